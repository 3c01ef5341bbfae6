/**
 * Removes known secret values from text before it is logged, thrown or dead-lettered. Receivers
 * echo requests (a Slack 4xx, a proxy's 5xx page), and URLs end up in errors: every text a
 * subscriber writes out goes through this, whatever its source.
 */
export const REDACTED = '[redacted]';

/** Values shorter than this are not redacted on their own: replacing every "a" would ruin logs. */
const MIN_SECRET_CHARS = 8;

export function redactor(secrets: () => string[]): (text: string) => string {
  return (text) => {
    let out = text;
    // Longest first, so a URL is replaced whole before the token inside it.
    const values = secrets().flatMap(forms).filter((v) => v.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
    for (const value of values) out = out.split(value).join(REDACTED);
    return out;
  };
}

/** A secret as it may appear: itself, JSON-escaped, URL-encoded, and a URL's path segments (Slack's token). */
function forms(secret: string): string[] {
  const out = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  try {
    const url = new URL(secret);
    out.push(url.pathname, ...url.pathname.split('/').filter((segment) => segment.length >= 16));
  } catch {
    // not a URL
  }
  return out;
}
