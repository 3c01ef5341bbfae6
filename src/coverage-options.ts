import type { Duration } from 'aws-cdk-lib';

/**
 * Coverage: a scheduled run that names every host and region the log sources and rules cannot see
 * (`coverage` on `LoginAlerts`). Each run compares the running EC2 instances of each watched region
 * with the log streams of the subscribed SSH and Windows log groups, and checks that each region's
 * rules are enabled (here, or the forwarder's elsewhere) and that a CloudTrail trail logs there. When
 * what is dark changes, one `coverage` alert (severity low, never asked for review) lists it. Each
 * run ends with a heartbeat through the ingest function, so the topic's owner knows which
 * deployments stopped.
 */
export interface CoverageOptions {
  /**
   * How often a run starts. Between one hour and one day.
   *
   * @default Duration.hours(6)
   */
  readonly every?: Duration;

  /**
   * A host whose log stream had no event for this long is silent. An auth log nobody logs into may
   * be quiet for days: lengthen this, or exempt the host, or have it log a line a day (README, "Coverage").
   * At least one hour.
   *
   * @default Duration.hours(24)
   */
  readonly silentAfter?: Duration;

  /**
   * An instance younger than this has not shipped its first log yet, and is not reported.
   *
   * @default Duration.hours(1)
   */
  readonly minAge?: Duration;

  /**
   * The regions whose running instances and sources are checked besides the stack's own.
   *
   * @default - the stack's region and `reconcile.regions`
   */
  readonly regions?: string[];

  /**
   * Instances with any of these tags are never reported (tag key to value; `*` for any value), as
   * an instance tagged `login-alerts:exempt` is (its value is the reason shown).
   *
   * @default - only the `login-alerts:exempt` tag
   */
  readonly exemptTags?: { [key: string]: string };

  /**
   * Ask Systems Manager (DescribeInstanceInformation) about each dark host, to say why it is dark:
   * its agent online or lost, its platform (Amazon Linux 2023 writes sshd's log to journald only).
   * Systems Manager is never required: a host it does not manage is reported all the same.
   *
   * @default true
   */
  readonly systemsManager?: boolean;

  /**
   * With `allLogGroups`: the log group name prefixes whose streams say which hosts ship (e.g.
   * `/ec2/`), at most 10; the library's own log groups and `excludeLogGroups` are never read. The
   * SSH and Windows log groups given are always read.
   *
   * @default - none: only `sshLogGroups` and `windowsLogGroups`
   */
  readonly logGroupNamePrefixes?: string[];

  /**
   * The alarm on uncovered hosts (silent or never seen) fires at this many.
   *
   * @default 1
   */
  readonly uncoveredHostsThreshold?: number;

  /**
   * After each run, this deployment's ingest function publishes a heartbeat (kind `heartbeat`, not
   * a login; destinations leave it out) to the alert topic. Where the topic is (the LoginAlerts
   * that created it), the coverage function records every deployment's heartbeats, and a
   * deployment (account and region) with none for this long is named in the coverage alert and
   * raises `Coverage/HeartbeatAlarm`. At least twice `every` (its own heartbeat comes once a run);
   * set it at least twice the longest `every` of the member deployments.
   *
   * @default Duration.hours(24)
   */
  readonly heartbeatSilentAfter?: Duration;

  /**
   * With `organizationId`: the member accounts expected to send heartbeats (12-digit ids). One that
   * never sent any is named too, as never heard from; without this, only deployments that sent one
   * at least once are watched.
   *
   * @default - none: the deployments that ever sent a heartbeat
   */
  readonly memberAccounts?: string[];
}
