import type { Duration } from 'aws-cdk-lib';

/**
 * Reconciliation: a scheduled second source that proves no login was missed (`reconcile` on
 * `LoginAlerts`). Each run re-reads the SSH log groups and CloudTrail event history for the window
 * since the last run (with `overlap`), and publishes any login the ledger has no alert for, with
 * the reason `recovered by reconciliation`; an alarm fires on every recovery.
 */
export interface ReconcileOptions {
  /**
   * How often a run starts. Between 15 minutes and one day.
   *
   * @default Duration.hours(1)
   */
  readonly every?: Duration;

  /**
   * How far each window reaches back before the end of the last one, so that records that reach
   * CloudWatch Logs or CloudTrail event history late are still read. Together with the 10 minutes a
   * run leaves to the real-time path, this is how late a record may arrive and still be checked.
   * At most one day.
   *
   * @default Duration.minutes(20)
   */
  readonly overlap?: Duration;

  /**
   * Regions whose CloudTrail event history is re-read besides the stack's own: the regions whose
   * sign-ins and sessions reach this construct through `ConsoleLoginForwarder` (root sign-ins land in
   * us-east-1).
   *
   * @default - the stack's region only
   */
  readonly regions?: string[];

  /**
   * With `allLogGroups`: the log group name prefixes to re-read (e.g. `/ec2/`), at most 10. Every
   * log group of the account under them is read each run, but the library's own and
   * `excludeLogGroups`; reading every log group of a large account each hour would cost more than
   * it proves. `sshLogGroups` are always read.
   *
   * @default - none: only `sshLogGroups`
   */
  readonly logGroupNamePrefixes?: string[];
}
