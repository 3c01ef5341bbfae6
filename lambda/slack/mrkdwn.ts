/**
 * Slack mrkdwn safety: text taken from a log line or an event is escaped so that `<!channel>`,
 * `<@U123>` or `<https://evil|click>` show as text and never notify or link. Slack asks for exactly
 * three escapes: & < > (api.slack.com/docs/message-formatting).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const MARKER = '… (cut)';

/** Cuts plain text to `max` characters with a marker; never rejects. */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - MARKER.length)) + MARKER;
}

/** Escapes untrusted text and fits it into `max` characters without cutting an entity in half. */
export function escapeAndFit(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, Math.max(0, max - MARKER.length)).replace(/&[a-z]{0,3}$/, '');
  return cut + MARKER;
}

/** Backticks would end an inline code span early; show them as a look-alike instead. */
export function inlineCode(escaped: string): string {
  return '`' + escaped.replace(/`/g, 'ˋ') + '`';
}
