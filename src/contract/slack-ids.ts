/**
 * The shapes of Slack ids, checked wherever an id is written into Slack (mentions `<@…>`, a DM's
 * channel) and wherever one enters: the construct's props at synth, the people directory when the
 * functions load it. No aws-cdk-lib here: the functions' bundles import this file.
 */

/** A Slack user id: `U…`, or `W…` for Enterprise Grid users. */
export function isSlackUserId(value: unknown): value is string {
  return typeof value === 'string' && /^[UW][A-Z0-9]{6,20}$/.test(value);
}

/** A channel id (`C…`, `G…` for older private channels). */
export function isSlackChannelId(value: unknown): value is string {
  return typeof value === 'string' && /^[CG][A-Z0-9]{6,20}$/.test(value);
}

/** A user group id (`S…`). */
export function isSlackUserGroupId(value: unknown): value is string {
  return typeof value === 'string' && /^S[A-Z0-9]{6,20}$/.test(value);
}
