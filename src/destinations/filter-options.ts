import type { LoginKind, LoginOutcome, Severity } from '../alert-types';

/**
 * Which alerts reach a destination: an SNS filter policy on the alert's message attributes.
 *
 * Pipeline alarm notifications (which carry no attributes) always pass, so a broken path is seen.
 */
export interface DestinationFilterOptions {
  /**
   * The least severe alert delivered.
   *
   * @default - Slack: `Severity.INFO` (everything); PagerDuty: `Severity.HIGH`
   */
  readonly minSeverity?: Severity;

  /**
   * Only these kinds of login.
   *
   * @default - every kind
   */
  readonly kinds?: LoginKind[];

  /**
   * Only these outcomes.
   *
   * @default - successes and failures
   */
  readonly outcomes?: LoginOutcome[];

  /**
   * Deliver logins that a rule suppressed (`AlertRule.suppress`, severity `info`) too. They are always
   * published to the topic (for an audit subscriber); a destination leaves them out unless this is on.
   * With it on, `minSeverity` must be `Severity.INFO` to let them through.
   *
   * @default false
   */
  readonly includeSuppressed?: boolean;

  /**
   * Deliver repeats too: logins by the same person, on the same host, from the same source within
   * the repeat window of the first (`repeat: {of, count}`). Always published to the topic; a
   * destination shows only the first unless this is on.
   *
   * @default - false; true for `AlertDestination.slackApp`, which threads them under the first
   */
  readonly includeRepeats?: boolean;

  /**
   * Only logins in these accounts (12-digit ids): one channel per account or team.
   *
   * @default - every account
   */
  readonly accounts?: string[];

  /**
   * Only logins on instances with these tags (every filter must hold; a filter matches any of its
   * values). Each key must be in the LoginAlerts' `routingTagKeys`. Logins without an instance
   * (console sign-ins) or without the tag do not match.
   *
   * @default - any instance, or none
   */
  readonly instanceTagFilters?: InstanceTagFilter[];
}

/**
 * A condition on an instance tag, for routing alerts to a destination.
 */
export interface InstanceTagFilter {
  /**
   * The tag key, e.g. `Team`.
   */
  readonly key: string;

  /**
   * The tag values that match, exactly, e.g. `['payments']`.
   */
  readonly values: string[];
}
