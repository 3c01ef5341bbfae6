import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { AlertRule } from './alert-rules';
import type { CoverageOptions } from './coverage-options';
import type { AlertDestination } from './destinations';
import type { GeoOptions } from './geo-options';
import type { PeopleDirectory } from './people-directory';
import type { ReconcileOptions } from './reconcile-options';

/**
 * Properties of {@link LoginAlerts}.
 */
export interface LoginAlertsProps {
  /**
   * Log groups that hold the instances' auth/secure logs (`/var/log/secure`, `/var/log/auth.log`).
   *
   * Each gets a subscription filter that sends sshd `Accepted` lines to the ingest function.
   * CloudWatch Logs allows only a few subscription filters per log group (two, per the API reference);
   * make sure one is free. More can be added later with `addSshLogGroup`.
   *
   * @default - no SSH log groups
   */
  readonly sshLogGroups?: logs.ILogGroup[];

  /**
   * Log groups that hold Windows instances' Security event log, as the CloudWatch agent ships it
   * (`windows_events`, in its `xml` or `text` format; docs/WINDOWS.md).
   *
   * Each gets a subscription filter that passes only interactive logons (event 4624 and failed 4625
   * of logon type 2 console, 7 unlock, 10 Remote Desktop, 11 cached credentials), so the network,
   * service and batch logons a Windows host writes by the thousand never invoke the function. The
   * log stream should be the instance id (the agent's `{instance_id}`), as for SSH. More can be
   * added later with `addWindowsLogGroup`.
   *
   * @default - no Windows log groups
   */
  readonly windowsLogGroups?: logs.ILogGroup[];

  /**
   * Alert on failed Windows logons (event 4625) too. Off, they are counted (metric
   * `WindowsLogonFailures`) and remembered, so the successful logon after failures for the same
   * account from the same source is raised and says so, but not alerted: a Remote Desktop port open
   * to the internet collects thousands a day. On, the filter also passes failed network logons
   * (type 3), which is how a failed Remote Desktop logon under Network Level Authentication is logged.
   *
   * @default false
   */
  readonly windowsLogonFailures?: boolean;

  /**
   * EKS clusters, by name, whose `kubectl exec`, `attach` and `port-forward` alert: each cluster's
   * control plane log group (`/aws/eks/<name>/cluster`, in this account and region) gets a
   * subscription filter that passes only those requests' audit events, never the rest of the audit
   * log. The cluster's `audit` control plane logging must be on (it creates the log group, which
   * must exist when the stack deploys; docs/KUBERNETES.md). More with `addEksCluster`.
   *
   * @default - no clusters
   */
  readonly eksClusters?: string[];

  /**
   * Alert on what AWS Sign-In records, from CloudTrail through EventBridge: console sign-ins
   * (`ConsoleLogin`), console role switches (`SwitchRole`), the root user's password recovery
   * (`PasswordRecoveryRequested`, `PasswordRecoveryCompleted`) and IAM Identity Center access
   * portal sign-ins (one alert per `UserAuthentication`; a failed `CredentialVerification` alerts
   * as a failure).
   *
   * Needs a CloudTrail trail with logging enabled in the account. Sign-in events are recorded in
   * specific regions: root sign-ins only in us-east-1, Identity Center's in its home region (see
   * README, "Regions").
   *
   * @default true
   */
  readonly consoleSignIns?: boolean;

  /**
   * Alert on the API calls that open a way in: Session Manager sessions (`StartSession`,
   * `ResumeSession`, classified by document: shell, SSH, port forwarding, RDP), EC2 Instance Connect
   * key pushes and Endpoint tunnels (`SendSSHPublicKey`, `SendSerialConsoleSSHPublicKey`,
   * `OpenTunnel`), ECS Exec (`ExecuteCommand`), CloudShell sessions (`CreateSession`) and Fleet
   * Manager Remote Desktop connections (`StartConnection`), from CloudTrail through EventBridge,
   * each matched only with its own service and with the person behind it.
   *
   * Needs a CloudTrail trail with management events in the account. The calls are recorded in the
   * region they are made in: forward other regions' with `ConsoleLoginForwarder` (README, "Regions").
   *
   * @default true
   */
  readonly sessionEvents?: boolean;

  /**
   * Keep a login ledger (a DynamoDB table, `ledgerTable`) that links an EC2 Instance Connect key
   * push and the SSH login that used it across deliveries and sources, in either order.
   *
   * It also holds each person's login sources (`historyPeriod`) and repeat counts (`repeatWindow`).
   * Off, attribution still works within one CloudWatch Logs delivery, CloudTrail's key pushes are
   * never linked to their logins, and there is no history and no repeat.
   *
   * @default true
   */
  readonly ledger?: boolean;

  /**
   * Repeats: a login by the same person (or unix user on the same instance), on the same host, from
   * the same source within this long of the first is marked `repeat: {of, count}` (attribute
   * `repeat=true`), which destinations leave out by default. Zero turns repeats off. Needs the ledger.
   *
   * @default Duration.minutes(10)
   */
  readonly repeatWindow?: Duration;

  /**
   * Login history: how long the ledger remembers the sources (IPv4 address, IPv6 /64) each person
   * logged in from. A source not seen for a person the ledger knows raises the login one level
   * (never above high); a known one is shown with when it was last seen. Zero turns history off.
   * Needs the ledger.
   *
   * @default Duration.days(90)
   */
  readonly historyPeriod?: Duration;

  /**
   * The people directory: who is behind the unix users, keys, certificates, IAM and SSO users that
   * appear in logins (`PeopleDirectory.fromPeople([...])`, `.fromS3Object(...)`, `.fromParameter(...)`).
   * Alerts then name the person in `actor` with their email and Slack user id.
   *
   * @default - no directory: actors are named as their identities are
   */
  readonly people?: PeopleDirectory;

  /**
   * IAM roles whose role session names your identity provider sets (SAML or OIDC federation that maps
   * the session name from the signed-in user, e.g. `Okta-*`): role names, where `*` matches any run
   * of characters.
   *
   * A role session name is otherwise chosen by whoever assumes the role, so it never names a person
   * by itself: only an IAM user's name, an Identity Center session (`AWSReservedSSO_*`), a session's
   * `sourceIdentity` and the session names of these roles are looked up in the people directory.
   * Name a role here only if nobody can assume it with `sts:AssumeRole` and a name of their choosing.
   *
   * @default - no role's session names are trusted
   */
  readonly identityProviderRoles?: string[];

  /**
   * An existing topic to publish alerts to.
   *
   * If it is encrypted with a KMS key, grant the ingest function (`ingestFunction`) use of that key.
   *
   * @default - a new topic encrypted with a new customer-managed KMS key, TLS only
   */
  readonly topic?: sns.ITopic;

  /**
   * Where from: each login's country and network from offline IP databases (a Lambda layer), rules
   * on them, a known person's first country raised and impossible travel raised to high (README,
   * "Where from"). No database is shipped with the library: name the ones you chose.
   *
   * @default - no location
   */
  readonly geo?: GeoOptions;

  /**
   * Client address ranges considered trusted (office, VPN, bastion).
   *
   * SSH logins from inside them are one severity level lower (never below `low`), with a reason;
   * logins from outside get the reason `source IP outside trusted ranges`.
   *
   * @default - no trusted ranges
   */
  readonly trustedCidrs?: string[];

  /**
   * How long the functions' logs are kept. They hold personal data: user names, source addresses,
   * and the raw line of a login that could not be fully parsed (README, "Logs and personal data").
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Encrypt the log groups the construct creates (each function's) with a customer-managed KMS key:
   * `logsKey`, or a key of the construct's own (with rotation; about $1 a month). Off, CloudWatch
   * Logs encrypts them with keys of its own.
   *
   * @default true
   */
  readonly encryptLogs?: boolean;

  /**
   * The KMS key for the log groups the construct creates. Its key policy must let CloudWatch Logs of
   * this region use it for this account's log groups; the construct adds that statement to a key of
   * the same app, and cannot to an imported one (README, "Logs and personal data").
   *
   * @default - a key of the construct's own (unless `encryptLogs` is false)
   */
  readonly logsKey?: kms.IKey;

  /**
   * Look up the EC2 instance behind each SSH login (name, tags, private IP, AZ, instance type).
   *
   * Needs `ec2:DescribeInstances`, which cannot be scoped to resources.
   *
   * @default true
   */
  readonly enrichInstances?: boolean;

  /**
   * Look up the ECS task behind each ECS Exec alert (DescribeTasks: its service, task definition,
   * launch type and tags), in the task's region; tasks in `enrichmentAccounts` through their role,
   * which then needs `ecs:DescribeTasks` too.
   *
   * Needs `ecs:DescribeTasks` on this account's tasks.
   *
   * @default true
   */
  readonly enrichTasks?: boolean;

  /**
   * Look up the user name of an IAM Identity Center user that a sign-in record names only by id
   * (`onBehalfOf.userId`), with the Identity Store's DescribeUser in the record's region, cached like
   * instance lookups. The people directory's `identityCenterUserIds` need no lookup; this is for ids
   * it does not list. A store in another account (the organization's management or delegated
   * administrator account) is read through the role of `enrichmentAccounts`, which then needs
   * `identitystore:DescribeUser`.
   *
   * @default false - the id is shown as it is
   */
  readonly resolveIdentityCenterUsers?: boolean;

  /**
   * Other accounts whose instances send auth logs here (e.g. through a central logging account):
   * instance ids not found in this account are looked up there through `enrichmentRoleName`.
   *
   * @default - this account only
   */
  readonly enrichmentAccounts?: string[];

  /**
   * The role the ingest function assumes in each of `enrichmentAccounts` to call
   * `ec2:DescribeInstances` (README, "Accounts", shows its definition).
   *
   * @default 'cdk-login-alerts-enrichment'
   */
  readonly enrichmentRoleName?: string;

  /**
   * The KMS key of a given `topic`, e.g. a central account's topic this member account publishes
   * to; the ingest function is allowed to use it.
   *
   * @default - the given `topic`'s own key when the app knows it (a `Topic` created with a
   * `masterKey`); none for an imported topic (synth warns when it is another account's)
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * How long an instance lookup (found or not found) is reused by a warm ingest function.
   *
   * @default Duration.minutes(5)
   */
  readonly instanceCacheTtl?: Duration;

  /**
   * Where alerts are delivered besides the topic: `AlertDestination.slack(...)`,
   * `AlertDestination.pagerDuty(...)`. More can be added with `addDestination`.
   *
   * @default - none: subscribe to `topic` yourself
   */
  readonly destinations?: AlertDestination[];

  /**
   * Another topic that receives the pipeline's alarm notifications (dead letters, function errors,
   * throttles), e.g. your operations team's. They always go to `pipelineAlarmTopic` too, which
   * every destination hears (so a broken Slack path still pages through PagerDuty and the other way
   * round), and, without `organizationId`, to the alert topic.
   *
   * @default - alarms notify `pipelineAlarmTopic` and the alert topic only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * A custom event bus to watch for console sign-ins as well as the default bus, e.g. the bus
   * `ConsoleLoginForwarder`s in other regions (or accounts) send to.
   *
   * @default - a new bus when `receiveForwardedSignIns` is on, else the default bus only
   */
  readonly signInEventBus?: events.IEventBus;

  /**
   * Create a dedicated event bus (`signInEventBus`, named `login-alerts-sign-ins`) for sign-in events
   * forwarded from other regions by `ConsoleLoginForwarder`, and watch it as well as the default bus.
   * One per account and region.
   *
   * @default false
   */
  readonly receiveForwardedSignIns?: boolean;

  /**
   * An AWS Organizations id (`o-…`) for a central deployment: the created sign-in bus accepts
   * sign-in events forwarded from any account of the organization, and the created topic (and its
   * key) accepts alerts published by member accounts' LoginAlerts (given it as `topic`).
   *
   * @default - only this account may forward sign-ins or publish
   */
  readonly organizationId?: string;

  /**
   * Subscribe every log group of the account in this region (including ones created later) with an
   * account-level subscription filter policy, instead of, or beside, `sshLogGroups`. The library's
   * own log groups are always excluded, so its logs never loop back into it.
   *
   * @default false
   */
  readonly allLogGroups?: boolean;

  /**
   * Log groups left out of `allLogGroups` (exact names; CloudWatch Logs allows 50 in all).
   *
   * @default - only the library's own log groups
   */
  readonly excludeLogGroups?: string[];

  /**
   * Noise-control rules, applied in order after the default severity policy and attribution:
   * `AlertRule.suppress(...)`, `.raise(...)`, `.lower(...)`, `.severity(...)`. Every login is
   * still published; suppressed ones (severity `info`, attribute `suppressed=true`) are left out by
   * the destinations unless they include them.
   *
   * @default - none: the default severity policy alone
   */
  readonly rules?: AlertRule[];

  /**
   * Instance tag keys (e.g. `Team`, `Environment`, at most 4) the ingest function publishes as SNS
   * message attributes `tag.<key>` (characters SNS does not allow in attribute names written as
   * `_`; absent when the instance lacks the tag), so destinations (`instanceTagFilters`) and your
   * own subscribers' filter policies can route by team or environment.
   *
   * @default - none
   */
  readonly routingTagKeys?: string[];

  /**
   * Metrics from the ingest function and every destination (CloudWatch embedded metric format,
   * namespace `cdk-login-alerts`, dimension `Deployment`): logins by kind and severity, what rules
   * suppressed, repeats, first-seen sources, unparsed lines, enrichment and ledger failures,
   * deliveries per destination. About 20 custom metrics; off saves their cost.
   *
   * @default true
   */
  readonly metrics?: boolean;

  /**
   * A CloudWatch dashboard (`dashboard`) of the pipeline: logins by kind and severity, what rules and
   * repeats held back, first-seen sources, pipeline problems, dead-letter queues, alarms, and each
   * destination's deliveries. CloudWatch charges per dashboard beyond the first three of an account.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * Reconciliation, a second source that proves no login was missed: a scheduled function re-reads
   * the SSH log groups (FilterLogEvents, the subscription filter's pattern) and CloudTrail event
   * history (LookupEvents) for the window since its last run, and publishes every login the ledger
   * has no alert for, with the reason `recovered by reconciliation`, and alarms. Needs `ledger`.
   *
   * @default - no reconciliation
   */
  readonly reconcile?: ReconcileOptions;

  /**
   * Coverage: a scheduled function names every running instance whose auth log no log source sees
   * (silent, or never seen) and every watched region whose sign-ins and sessions cannot arrive (a
   * rule disabled, no forwarder, no CloudTrail trail logging), with why and what to do, in one
   * `coverage` alert each time that changes; metrics and alarms on both. Needs `ledger`. Opt-in: its
   * first report names every dark host at once, and a team should decide its exemptions first
   * (README, "Coverage").
   *
   * @default - no coverage runs
   */
  readonly coverage?: CoverageOptions;
}
