import { SEVERITIES } from './contract/alert-values';

/**
 * Severity of an alert, from least to most urgent. The value is the `severity` field of the alert
 * and its SNS message attribute.
 */
export enum Severity {
  /** Informational. */
  INFO = 'info',
  /** Expected and low-risk, e.g. a federated console sign-in. */
  LOW = 'low',
  /** Worth a look, e.g. a key-based SSH login. */
  MEDIUM = 'medium',
  /** Needs attention, e.g. SSH as root or by password, a console sign-in without MFA. */
  HIGH = 'high',
  /** Act now, e.g. a root console sign-in. */
  CRITICAL = 'critical',
}

/** All severities in order, least urgent first. */
export const SEVERITY_ORDER: Severity[] = SEVERITIES.map((value) => value as Severity);

/**
 * What kind of login an alert is about (the `kind` field and message attribute).
 */
export enum LoginKind {
  /** An SSH login found in an instance's auth log. */
  SSH = 'ssh',
  /** An AWS console sign-in recorded by CloudTrail. */
  CONSOLE = 'console',
  /** A Session Manager session (StartSession, ResumeSession) recorded by CloudTrail. */
  SSM_SESSION = 'ssm-session',
  /** An EC2 Instance Connect key push or Endpoint tunnel with no SSH login seen with it. */
  INSTANCE_CONNECT = 'instance-connect',
  /** A command or shell in an ECS task's container with ECS Exec (ExecuteCommand), recorded by CloudTrail. */
  ECS_EXEC = 'ecs-exec',
  /** An AWS CloudShell session (a shell in the account with the console session's credentials), recorded by CloudTrail. */
  CLOUDSHELL = 'cloudshell',
  /** A Fleet Manager Remote Desktop (RDP) connection to an instance from the console (StartConnection), recorded by CloudTrail. */
  REMOTE_DESKTOP = 'remote-desktop',
  /** A sign-in to the IAM Identity Center access portal (UserAuthentication), or a factor of one that failed (CredentialVerification). */
  IDENTITY_CENTER_SIGN_IN = 'identity-center-sign-in',
  /** The root user's password recovery (PasswordRecoveryRequested / PasswordRecoveryCompleted): critical by default. */
  PASSWORD_RECOVERY = 'password-recovery',
  /** A console session switching to another role (SwitchRole), with the principal that switched. */
  SWITCH_ROLE = 'switch-role',
  /** A Windows logon (Security log event 4624, or a failed one, 4625): Remote Desktop, console, cached or a remote unlock. */
  WINDOWS_LOGON = 'windows-logon',
  /** `kubectl exec`, `attach` or `port-forward` into an EKS cluster's pod, from the API server's audit log. */
  KUBERNETES_EXEC = 'kubernetes-exec',
  /**
   * Not a login: an escalation of one by the Slack app's review loop (its person said "This wasn't
   * me", or nobody confirmed it), severity critical, carrying the login's fields.
   */
  ESCALATION = 'escalation',
  /**
   * Not a login: the coverage run's report that hosts or regions went dark (or came back), severity
   * low, never asked for review (`coverage` on `LoginAlerts`).
   */
  COVERAGE = 'coverage',
  /**
   * Not a login: a deployment's heartbeat after its coverage run, published by its ingest function to
   * the alert topic (the real path) and recorded by the topic owner's coverage. Destinations leave it
   * out unless their `kinds` name it.
   */
  HEARTBEAT = 'heartbeat',
}

/**
 * Whether the login succeeded (the `outcome` field and message attribute).
 */
export enum LoginOutcome {
  /** The login succeeded. */
  SUCCESS = 'success',
  /** The login failed or was denied (console sign-ins, sessions and Instance Connect calls; SSH alerts are for accepted logins). */
  FAILURE = 'failure',
}
