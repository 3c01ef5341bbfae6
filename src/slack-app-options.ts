import type { Duration } from 'aws-cdk-lib';
import type { Severity } from './alert-types';
import type { DestinationFilterOptions } from './destinations';
import type { SlackBotToken, SlackSigningSecret } from './secrets';

/**
 * Options of the Slack app destination: alerts posted by a bot to a channel, and the review loop
 * (the person a login is attributed to confirms it, or it escalates).
 *
 * Repeats reach it by default (`includeRepeats` is true here): they are replies in the first
 * login's thread, not new messages.
 */
export interface SlackAppDestinationOptions extends DestinationFilterOptions {
  /**
   * The app's bot token (`xoxb-…`), kept in Secrets Manager. Scopes: `chat:write`, `im:write`,
   * `users:read`, `users:read.email`, and `usergroups:read` with `approverGroup`.
   */
  readonly botToken: SlackBotToken;

  /**
   * The app's signing secret, kept in Secrets Manager: button presses not signed with it are refused.
   */
  readonly signingSecret: SlackSigningSecret;

  /**
   * The channel's id (`C0123ABCD`), not its name: ids survive renames. Invite the app to it.
   */
  readonly channel: string;

  /**
   * The least severe login that asks its person "was this you?". Logins a rule suppressed, repeats
   * and escalations never ask.
   *
   * @default Severity.MEDIUM
   */
  readonly reviewMinSeverity?: Severity;

  /**
   * Ask for review of failed logins too (console sign-ins, sessions).
   *
   * @default false
   */
  readonly reviewFailures?: boolean;

  /**
   * Send the person a direct message with the buttons. Off, they answer in the channel.
   *
   * @default true
   */
  readonly directMessages?: boolean;

  /**
   * How long a review waits for an answer before each reminder (and, after the last, before it
   * escalates as `unanswered`). Between 1 minute and 24 hours, whole seconds.
   *
   * @default Duration.minutes(15)
   */
  readonly reminderAfter?: Duration;

  /**
   * How many reminders before an unanswered review escalates (0 to 10): each is a reply in the
   * login's thread, shown in the channel, with the mention for the login's severity.
   *
   * @default 2
   */
  readonly reminders?: number;

  /**
   * Slack user ids (`U0123ABCD`) who may confirm any login on its person's behalf (anyone may
   * dispute one).
   *
   * @default - none: only the person asked
   */
  readonly approvers?: string[];

  /**
   * A Slack user group id (`S0123ABCD`) whose members may confirm any login, read with
   * `usergroups.users.list` (scope `usergroups:read`) and cached five minutes.
   *
   * @default - none
   */
  readonly approverGroup?: string;

  /**
   * Mentions added to alerts and reminders by severity, as Slack writes them (`<!here>`, `<!channel>`,
   * `<@U024BE7LH>`, `<!subteam^SAZ94GDB8>`). Escalations are critical.
   *
   * @default { high: '<!here>', critical: '<!channel>' }
   */
  readonly mentions?: { [severity: string]: string };

  /**
   * Instance tags shown with the instance name (case-insensitive).
   *
   * @default ['Environment', 'env', 'Team', 'Owner', 'Service', 'aws:autoscaling:groupName']
   */
  readonly instanceTags?: string[];

  /**
   * The Web API's base URL: `https://slack-gov.com/api/` for GovSlack.
   *
   * @default 'https://slack.com/api/'
   */
  readonly slackApiUrl?: string;

  /**
   * The interaction endpoint's reserved concurrency: its ceiling, so a flood of junk requests to
   * its public URL cannot take the concurrency the ingest function needs. A press takes a few
   * milliseconds (it is queued, then handled by the delivery function), so a handful serves a large
   * team. Lambda keeps 100 of the account's concurrency unreserved: an account whose quota is
   * still a new account's 10 must raise it first.
   *
   * @default 5
   */
  readonly interactionConcurrency?: number;

  /**
   * How many refused requests (unsigned, forged, replayed, malformed) in 5 minutes set off the
   * endpoint's rejected-requests alarm.
   *
   * @default 20
   */
  readonly rejectedRequestsAlarmThreshold?: number;
}
