/** The part of an EventBridge event pattern these use (structurally aws-events' EventPattern). */
export interface EventPatternSpec {
  readonly source?: string[];
  readonly detailType?: string[];
  readonly detail?: { [key: string]: unknown };
}

/**
 * What AWS Sign-In records (CloudTrail user guide, "AWS Management Console sign-in events"; IAM
 * Identity Center user guide, "Understanding sign-in events"): console sign-ins, a console role
 * switch, the root user's password recovery, and the IAM Identity Center access portal's sign-in
 * steps (each factor's `CredentialVerification`, then `UserAuthentication` once all passed).
 * `CredentialChallenge` (a factor asked for) says nothing the verification does not, so it is not
 * matched: one invocation fewer per factor.
 */
export const SIGN_IN_EVENT_NAMES = [
  'ConsoleLogin', 'SwitchRole', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'CredentialVerification', 'UserAuthentication',
] as const;
export type SignInEventName = (typeof SIGN_IN_EVENT_NAMES)[number];

/**
 * Sign-in records, matched on the record itself, with no detail type: console sign-ins arrive as
 * "AWS Console Sign In via CloudTrail" (spelled "Signin" in places), Identity Center's steps as
 * "AWS Service Event via CloudTrail"; the record's fields are the same everywhere.
 */
export const CONSOLE_LOGIN_PATTERN: EventPatternSpec = {
  source: ['aws.signin'],
  detail: { eventSource: ['signin.amazonaws.com'], eventName: [...SIGN_IN_EVENT_NAMES] },
};

/**
 * CloudTrail records of the API calls that open a way in, by the service that records them:
 * Session Manager sessions, EC2 Instance Connect key pushes and Endpoint tunnels, ECS Exec into a
 * container, a CloudShell session, a Fleet Manager Remote Desktop connection
 * (`lambda/ingest/parse/api-event.ts` reads them). Each name is matched only with its own service:
 * other services record calls of the same names (Athena's `StartSession`, S3 Express's
 * `CreateSession`) that are not a way in.
 */
export const SESSION_EVENTS = {
  'ssm.amazonaws.com': ['StartSession', 'ResumeSession'],
  'ec2-instance-connect.amazonaws.com': ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel'],
  'ecs.amazonaws.com': ['ExecuteCommand'],
  'cloudshell.amazonaws.com': ['CreateSession'],
  'ssm-guiconnect.amazonaws.com': ['StartConnection'],
} as const;
export type SessionEventSource = keyof typeof SESSION_EVENTS;
export type SessionEventName = (typeof SESSION_EVENTS)[SessionEventSource][number];

/** Every session event name once (the reconciler looks each up with LookupEvents). */
export const SESSION_EVENT_NAMES: readonly SessionEventName[] = Object.values(SESSION_EVENTS).flat();

/**
 * Matched on the record's `eventSource` and `eventName`, not on the event's `source`: the one
 * EventBridge gives Instance Connect events is not documented. One `$or` branch per service, so a
 * name is only ever matched with the service that records it as a way in.
 */
export const SESSION_EVENTS_PATTERN: EventPatternSpec = {
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    $or: Object.entries(SESSION_EVENTS).map(([eventSource, eventNames]) => ({ eventSource: [eventSource], eventName: [...eventNames] })),
  },
};

/**
 * The detail type EventBridge gives a CloudTrail record, by its `eventType` (EventBridge user guide,
 * "Events from AWS services via CloudTrail"), for records read back from CloudTrail (the reconciler,
 * replay). `AwsServiceEvent` is spelled `AWSServiceEvent` in some of AWS's own samples: read without case.
 */
export function cloudTrailDetailType(eventType: unknown): string {
  const type = typeof eventType === 'string' ? eventType.toLowerCase() : '';
  if (type === 'awsserviceevent') return 'AWS Service Event via CloudTrail';
  if (type === 'awsapicall') return 'AWS API Call via CloudTrail';
  return 'AWS Console Sign In via CloudTrail';
}

/** The `source` values of the events forwarded to the central bus (its policy admits only these). */
export const FORWARDED_EVENT_SOURCES = ['aws.signin', 'aws.ssm', 'aws.ec2-instance-connect', 'aws.ecs', 'aws.cloudshell', 'aws.ssm-guiconnect'];

/** The name of the bus `receiveForwardedSignIns` creates, which forwarders address by default. */
export const SIGN_IN_EVENT_BUS_NAME = 'login-alerts-sign-ins';

/**
 * The CloudWatch Logs pattern of the SSH log groups' subscription filters (and the account-level
 * policy): sshd's `Accepted` lines and the ec2-instance-connect package's `Providing ssh key` lines.
 * One regular expression (CloudWatch Logs allows two per pattern, no parentheses, no spaces), so that
 * both programs' lines pass and nothing else with `Accepted` in it does; the function then reads each
 * line strictly. `sshd` also matches OpenSSH ≥ 9.8's `sshd-session`.
 */
export const AUTH_LOG_FILTER_PATTERN = '%sshd.*Accepted|ec2-instance-connect.*Providing%';

/**
 * Windows logon types that are a person at the machine (Microsoft, "4624(S)", logon types): 2
 * (console, including the EC2 serial console), 7 (unlock; alerted when it comes over the network:
 * Remote Desktop reconnecting to a locked session), 10 (Remote Desktop) and 11 (cached credentials).
 */
export const WINDOWS_INTERACTIVE_LOGON_TYPES = [2, 7, 10, 11] as const;

/**
 * The Windows log groups' subscription filter: events whose logon type is interactive, in both of
 * the agent's formats, so that network, batch and service logons (3, 4, 5, 8, 9: thousands a day on
 * a busy host) never invoke the function. XML writes `<Data Name='LogonType'>10</Data>`, the
 * rendered text `Logon Type:<tabs>10`: `Logon\s?Type` then up to eight non-digits reaches the value
 * in both, on one line (a pattern's `.` is not relied on to cross line breaks). CloudWatch Logs
 * regex has no parentheses and no `'`, `<` or space: `\D` and `\s` stand in. The function reads each
 * event strictly; this is a sieve that lets logoffs (4634, which also carry a logon type) through if
 * the agent collects them: README's agent configuration collects only 4624 and 4625.
 */
export const WINDOWS_LOGON_FILTER_REGEX = 'Logon\\s?Type\\D{1,8}[27]\\D|Logon\\s?Type\\D{1,8}1[01]\\D';
export const WINDOWS_LOGON_FILTER_PATTERN = `%${WINDOWS_LOGON_FILTER_REGEX}%`;

/**
 * With failed logons alerted (`windowsLogonFailures`), every 4625 passes too: a failed Remote
 * Desktop logon under Network Level Authentication is logged as type 3 (NLA checks the password
 * before the session exists), so the interactive types alone would miss the guessing.
 */
export const WINDOWS_FAILED_LOGON_FILTER_REGEX = 'EventID\\D{1,20}4625\\D|\\[4625\\]';
export const WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN = `%${WINDOWS_LOGON_FILTER_REGEX}|${WINDOWS_FAILED_LOGON_FILTER_REGEX}%`;

/** The account-level policy (`allLogGroups`): SSH and Windows logons in one pattern (one regex). */
export const ALL_LOG_GROUPS_FILTER_PATTERN = `%sshd.*Accepted|ec2-instance-connect.*Providing|${WINDOWS_LOGON_FILTER_REGEX}%`;

/**
 * The EKS control plane log group's subscription filter: audit events of `pods/exec`, `pods/attach`
 * and `pods/portforward` at the stage that is the way in (ResponseStarted), or refused
 * (ResponseComplete with 400 and above), so the rest of the audit log (every watch, list and get of
 * every controller: millions a day on a busy cluster) and the other control plane logs never invoke
 * the function. A JSON pattern (CloudWatch Logs, "Using filter patterns to match terms in JSON log
 * events"): the audit event is a JSON document.
 */
export const EKS_EXEC_FILTER_PATTERN = '{ $.objectRef.resource = "pods" && '
  + '($.objectRef.subresource = "exec" || $.objectRef.subresource = "attach" || $.objectRef.subresource = "portforward") && '
  + '($.stage = "ResponseStarted" || ($.stage = "ResponseComplete" && $.responseStatus.code >= 400)) }';

/** The log group EKS writes a cluster's control plane logs to. */
export function eksClusterLogGroup(cluster: string): string {
  return `/aws/eks/${cluster}/cluster`;
}

/** The pattern a re-read of a log group uses: its subscription's (EKS control plane groups have their own). */
export function reReadFilterPattern(logGroup: string): string {
  return /^\/aws\/eks\/[^/]+\/cluster$/.test(logGroup) ? EKS_EXEC_FILTER_PATTERN : ALL_LOG_GROUPS_FILTER_PATTERN;
}
