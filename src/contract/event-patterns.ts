/** The part of an EventBridge event pattern these use (structurally aws-events' EventPattern). */
export interface EventPatternSpec {
  readonly source?: string[];
  readonly detailType?: string[];
  readonly detail?: { [key: string]: unknown };
}

/**
 * CloudTrail `ConsoleLogin` records, matched on the record itself: the detail-type is spelled
 * differently across sources ("Sign In" / "Signin"), the record's fields are not.
 */
export const CONSOLE_LOGIN_PATTERN: EventPatternSpec = {
  source: ['aws.signin'],
  detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] },
};

/**
 * CloudTrail records of the API calls that open a way into an instance: Session Manager sessions
 * and EC2 Instance Connect key pushes and Endpoint tunnels (`lambda/ingest/parse/api-event.ts` reads them).
 * Matched on the record's `eventSource` and `eventName`, not on the event's `source`: the one
 * EventBridge gives Instance Connect events is not documented. The two lists never combine into a
 * call that does not exist (no service logs another's event names).
 */
export const SESSION_EVENT_NAMES = ['StartSession', 'ResumeSession', 'SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel'] as const;
export type SessionEventName = (typeof SESSION_EVENT_NAMES)[number];

export const SESSION_EVENTS_PATTERN: EventPatternSpec = {
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ssm.amazonaws.com', 'ec2-instance-connect.amazonaws.com'],
    eventName: [...SESSION_EVENT_NAMES],
  },
};

/** The `source` values of the events forwarded to the central bus (its policy admits only these). */
export const FORWARDED_EVENT_SOURCES = ['aws.signin', 'aws.ssm', 'aws.ec2-instance-connect'];

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
