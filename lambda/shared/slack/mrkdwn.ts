/**
 * Slack mrkdwn safety for text taken from a log line or an event (a user name, a Name tag, a reason):
 *
 * - `& < >` are escaped, so `<!channel>`, `<@U123>` or `<https://evil|click>` show as text and never
 *   notify or link (the three escapes Slack asks for, api.slack.com/docs/message-formatting);
 * - line breaks become a visible ⏎, so a value cannot start a line of its own (`*Severity*` …);
 * - control, bidirectional and zero-width characters are shown as `[U+202E]`, so text cannot be
 *   reordered or hidden;
 * - outside code spans, the formatting characters `*`, `~` and `` ` `` (and `_` where it could open
 *   or close italics) become look-alikes, so a value cannot make itself or its neighbours bold.
 *
 * Mrkdwn has no backslash escape; look-alikes are the only way to show these characters literally.
 */

import { isSlackUserId } from '../../../src/contract/slack-ids';

const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
/** Controls (Cc), format characters (Cf: bidi overrides and isolates, zero-width, soft hyphen, tags). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const LOOK_ALIKES: Record<string, string> = { '*': '∗', '~': '∼', '`': 'ˋ', '_': 'ˍ' };

/** Line breaks and invisible characters made visible; what plain-text fields (header, fallback) need. */
export function visible(text: string): string {
  return text
    .replace(LINE_BREAK, ' ⏎ ')
    .replace(/\t/g, ' ')
    .replace(INVISIBLE, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

function entities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A mention of a Slack user: `<@U…>` only for a well-formed user id; anything else (a planted
 * `U1><!channel>`) is shown as escaped text and notifies nobody.
 */
export function mention(userId: string | undefined): string {
  if (userId === undefined) return 'someone';
  return isSlackUserId(userId) ? `<@${userId}>` : `${escapeAndFit(userId, 40)} (not a Slack user id)`;
}

/** Untrusted text for mrkdwn outside code spans. */
export function escapeMrkdwn(text: string): string {
  return entities(visible(text))
    .replace(/[*~`]/g, (c) => LOOK_ALIKES[c])
    // An underscore between two letters or digits (deploy_bot) cannot open or close italics: kept.
    .replace(/_/g, (c, at: number, all: string) => (/[\p{L}\p{N}]/u.test(all.charAt(at - 1)) && /[\p{L}\p{N}]/u.test(all.charAt(at + 1)) ? c : LOOK_ALIKES[c]));
}

const MARKER = '… (cut)';

/** Cuts text to `max` characters with a marker; never rejects. For trusted text or what was made safe. */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutClean(text.slice(0, Math.max(0, max - MARKER.length))) + MARKER;
}

/** Never leaves half an entity, half a `[U+…]` or half a surrogate pair at the cut. */
function cutClean(cut: string): string {
  return cut.replace(/&[a-z]{0,3}$|\[(?:U(?:\+[0-9A-F]{0,5})?)?$|[\ud800-\udbff]$/, '');
}

/** Escapes untrusted text and fits it into `max` characters. */
export function escapeAndFit(text: string, max: number): string {
  return fit(escapeMrkdwn(text), max);
}

/** Untrusted text shown literally in a code span (the user, the raw line), within `max` characters. */
export function codeSpan(text: string, max: number): string {
  return '`' + fit(entities(visible(text)).replace(/`/g, LOOK_ALIKES['`']), max) + '`';
}

/** Untrusted text in a plain_text object or a notification fallback: one line, nothing hidden. */
export function plainText(text: string, max: number): string {
  return fit(visible(text), max);
}
