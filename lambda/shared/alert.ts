import { LOGIN_KINDS, SEVERITIES, type SeverityValue } from '../../src/contract/alert-values';

/**
 * The alert: the contract between the ingest function and every subscriber of the topic.
 *
 * Version 1 changes only by adding optional fields. `schema/alert.v1.json` describes the same shape
 * for subscribers written in other languages; a test checks real alerts against it.
 */

export const ALERT_SCHEMA_VERSION = 1;

/** Who an alert is from when nobody logged in (a coverage report, a heartbeat): its `user` and `origin.eventSource`. */
export const LIBRARY_SENDER = 'cdk-login-alerts';

/** Severities from least to most urgent (one list, in the contract); the order is what `minSeverity` filters and trusted-CIDR lowering use. */
export { SEVERITIES };
export type Severity = SeverityValue;

/**
 * `ssh` and `console` from the first release; `ssm-session` (Session Manager), `instance-connect`
 * (a key push or Endpoint tunnel with no SSH login seen with it) and `escalation` were added later,
 * then `ecs-exec`, `cloudshell` and `remote-desktop` (Fleet Manager).
 */
export type AlertKind = (typeof LOGIN_KINDS)[number];
export type Outcome = 'success' | 'failure';

/** Where an SSH alert came from: the raw line is always kept. */
export interface SshOrigin {
  readonly logGroup: string;
  readonly logStream: string;
  readonly message: string;
  /** True when `message` was cut to keep the alert within SNS's message size. */
  readonly messageTruncated?: boolean;
}

/** Where a console, session or Instance Connect alert came from (a CloudTrail record). */
export interface CloudTrailOrigin {
  readonly eventSource: string;
  readonly eventName: string;
  readonly eventId: string;
}

export interface Principal {
  /** CloudTrail `userIdentity.type`: Root, IAMUser, AssumedRole, FederatedUser, ... */
  readonly type: string;
  readonly arn?: string;
  /** For assumed roles: the role name (e.g. `AWSReservedSSO_Admin_0123abcd`). */
  readonly roleName?: string;
  /** How an assumed-role session was federated, when it tells: `saml` or `identity-center`. */
  readonly federation?: 'saml' | 'identity-center';
  /** IAM Identity Center: the user's id in the identity store (`userIdentity.onBehalfOf.userId`) and the store's ARN. */
  readonly identityCenterUserId?: string;
  readonly identityStoreArn?: string;
}

/**
 * An IAM Identity Center access portal sign-in: the workflow that ties its steps together
 * (`AuthWorkflowID`), the factors it is known to have passed, and where it signed in to.
 */
export interface SignInInfo {
  readonly workflowId?: string;
  /** As AWS names them: `PASSWORD`, `TOTP`, `WEBAUTHN`, `EXTERNAL_IDP`, … */
  readonly factors?: string[];
  readonly loginTo?: string;
  /** SwitchRole: the principal that switched to the role. */
  readonly switchFrom?: string;
}

/** How an alert's actor was established. */
export type ActorVia = 'instance-connect' | 'ssm' | 'certificate' | 'key-owner' | 'directory' | 'iam' | 'sso';

/**
 * Why a login was escalated (`kind: escalation`): someone said "This wasn't me" (`disputed`, `by`
 * the Slack user who said so, `byRole` whether that was the person asked, an approver or someone
 * else), or nobody confirmed it after the last reminder (`unanswered`).
 */
export interface Escalation {
  readonly loginAlertId: string;
  readonly reason: 'disputed' | 'unanswered';
  /** The Slack user id of who disputed it. */
  readonly by?: string;
  /** `asked`: the person the login is attributed to; `approver`; `other`: anyone else in the channel. */
  readonly byRole?: 'asked' | 'approver' | 'other';
}

/** The person or principal behind a login, when known. */
export interface Actor {
  readonly name: string;
  readonly arn?: string;
  /**
   * The session's STS source identity, when CloudTrail recorded one: set by whoever first assumed a
   * role (an identity provider, typically) and unchangeable by the session, so it may name a person.
   */
  readonly sourceIdentity?: string;
  readonly email?: string;
  readonly slackUserId?: string;
  readonly via: ActorVia;
}

/**
 * What a Session Manager session is for, read from its document: `shell` (the default,
 * SSM-SessionManagerRunShell), `ssh` (AWS-StartSSHSession), `port-forwarding` (to the instance or,
 * with `remoteHost`, through it), `rdp` (port forwarding to 3389, or Fleet Manager Remote Desktop),
 * `command` (AWS-StartInteractiveCommand, AWS-StartNonInteractiveCommand) or `custom` (any other
 * document, named in `document`).
 */
export type SessionType = 'shell' | 'ssh' | 'port-forwarding' | 'rdp' | 'command' | 'custom';

/**
 * SSM: the session; Instance Connect: the key push or tunnel request; ECS Exec: the SSM session it
 * opened; CloudShell: the environment; Fleet Manager: the connection.
 */
export interface SessionInfo {
  /** The SSM session id, the Instance Connect Endpoint id, or the Fleet Manager connection ARN. */
  readonly id?: string;
  /** SSM document: `shell` for the default shell session, else the document name (port forwarding, custom). */
  readonly document?: string;
  /** What the session is for (Session Manager and Fleet Manager). */
  readonly type?: SessionType;
  /** SSM target: an instance (`i-…`) or managed node (`mi-…`). */
  readonly target?: string;
  /** The port a port-forwarding session forwards to. */
  readonly portNumber?: number;
  /** The host a port-forwarding session reaches through the instance (AWS-StartPortForwardingSessionToRemoteHost). */
  readonly remoteHost?: string;
  /** Instance Connect request id (the instance's log line and CloudTrail's responseElements). */
  readonly requestId?: string;
  /** CloudShell: the environment the session connected to. */
  readonly environmentId?: string;
  /** Fleet Manager: the protocol (`RDP`) and how the user signed in to Windows (`Credentials`, `KeyPair`, `SSO`). */
  readonly protocol?: string;
  readonly authType?: string;
}

/** ECS Exec: the container a command ran in, and the command (the Kubernetes pod later takes the same shape). */
export interface ContainerInfo {
  /** The cluster's name. */
  readonly cluster?: string;
  /** The task id, the last part of its ARN. */
  readonly task?: string;
  readonly taskArn?: string;
  /** The container's name in the task. */
  readonly container?: string;
  readonly containerArn?: string;
  /** The command the caller asked to run, as recorded (the caller wrote it). */
  readonly command?: string;
  /** Whether the command runs interactively. */
  readonly interactive?: boolean;
  /** From DescribeTasks: the service the task belongs to (its group `service:<name>`). */
  readonly service?: string;
  /** From DescribeTasks: the task's group as ECS records it (`service:<name>`, `family:<name>` or the caller's). */
  readonly group?: string;
  /** From DescribeTasks: the task definition, `family:revision`. */
  readonly taskDefinition?: string;
  /** From DescribeTasks: `FARGATE`, `EC2` or `EXTERNAL`. */
  readonly launchType?: string;
  /** From DescribeTasks: the task's tags (routing tag keys read them when there is no host). */
  readonly tags?: Record<string, string>;
}

/**
 * A Windows logon (events 4624 and 4625) as the Security log records it. The account, domain and
 * workstation of a failure are the client's to type; `workstation` is the client's claim in a success too.
 */
export interface WindowsLogonInfo {
  /** 4624 (logged on) or 4625 (failed to log on). */
  readonly eventId: number;
  /** 2 console, 7 unlock, 10 Remote Desktop, 11 cached credentials. */
  readonly logonType?: number;
  /** Microsoft's name for the type: `Interactive`, `Unlock`, `RemoteInteractive`, `CachedInteractive`. */
  readonly logonTypeName?: string;
  /** `TargetDomainName`: the domain, or the computer for a local account. */
  readonly domain?: string;
  readonly userSid?: string;
  /** The name the client gave for its own machine (NTLM): a claim, not a fact. */
  readonly workstation?: string;
  /** `User32` (console, RDP), `NtLmSsp`, `Kerberos`, `Advapi`, … */
  readonly logonProcess?: string;
  /** `Negotiate`, `NTLM` or `Kerberos`. */
  readonly authenticationPackage?: string;
  /** For NTLM: `NTLM V1`, `NTLM V2` or `LM`. */
  readonly lmPackage?: string;
  /** The session has administrator rights (an elevated token). */
  readonly elevatedToken?: boolean;
  readonly restrictedAdminMode?: boolean;
  readonly virtualAccount?: boolean;
  /** The built-in Administrator account (its SID ends in -500). */
  readonly builtInAdministrator?: boolean;
  /** The connection came from the host itself: a Session Manager port-forwarding tunnel or Fleet Manager. */
  readonly viaLocalTunnel?: boolean;
  /** Failures: the NTSTATUS codes, lowercase hex, and what they mean. */
  readonly status?: string;
  readonly subStatus?: string;
  readonly failureReason?: string;
  /** The computer name the event names. */
  readonly computer?: string;
  /** `EventRecordID` (XML format only). */
  readonly recordId?: string;
  /** Which of the agent's formats the event came in: `xml` or `text`. */
  readonly format: 'xml' | 'text';
}

/** Kubernetes: the pod a `kubectl exec`, `attach` or `port-forward` reached (the caller wrote the command, container and pod). */
export interface PodInfo {
  /** The EKS cluster, from its log group's name. */
  readonly cluster: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  /** `exec`, `attach` or `portforward`. */
  readonly subresource: 'exec' | 'attach' | 'portforward';
  /** The command asked for (`command=` parameters, joined by spaces). */
  readonly command?: string;
  /** A terminal with input: a shell, not a one-off command. */
  readonly interactive?: boolean;
  readonly stdin?: boolean;
  readonly tty?: boolean;
  /** Port forwarding: the pod's ports. */
  readonly ports?: string;
}

export interface SshCertificate {
  readonly keyId: string;
  readonly serial?: string;
  readonly caKeyType?: string;
  readonly caFingerprint?: string;
}

/** The EC2 instance a login happened on, when enrichment found it. */
export interface HostInfo {
  readonly instanceId?: string;
  /** The hostname as written in the log line. */
  readonly hostname?: string;
  readonly privateIp?: string;
  readonly privateDnsName?: string;
  /** The `Name` tag. */
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly availabilityZone?: string;
  readonly instanceType?: string;
  readonly vpcId?: string;
  readonly imageId?: string;
  readonly state?: string;
  /** The account the instance is in, when it was found through an enrichment role in another account. */
  readonly account?: string;
}

export interface Alert {
  readonly schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** Stable id of the login: CloudTrail `eventID` or the CloudWatch Logs event `id`. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly reasons: string[];
  readonly outcome: Outcome;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly account: string;
  readonly region: string;
  /** Exactly as logged; `unknown` when the line could not be parsed. */
  readonly user: string;
  readonly sourceIp?: string;
  readonly summary: string;
  readonly origin: SshOrigin | CloudTrailOrigin;
  // Optional, when known.
  readonly method?: string;
  readonly port?: number;
  readonly keyType?: string;
  readonly keyFingerprint?: string;
  readonly certificate?: SshCertificate;
  readonly mfa?: boolean;
  readonly principal?: Principal;
  readonly host?: HostInfo;
  readonly userAgent?: string;
  readonly actor?: Actor;
  readonly session?: SessionInfo;
  /** Identity Center sign-ins and role switches: the workflow, factors and target. */
  readonly signIn?: SignInInfo;
  /** ECS Exec: the container the command ran in. */
  readonly container?: ContainerInfo;
  /** Kubernetes exec, attach and port-forward: the pod. */
  readonly pod?: PodInfo;
  /** Windows logons: what the Security log event says beyond the account and address. */
  readonly windows?: WindowsLogonInfo;
  /** Alerts about the same login from another source (the SSH line and CloudTrail's key push). */
  readonly relatedAlertIds?: string[];
  /** The unix account on the instance, for Instance Connect pushes (`instanceOSUser`). */
  readonly osUser?: string;
  readonly enrichmentError?: string;
  /** Fields cut to their bound (1,024 characters) so the alert fits SNS's message limit, as dotted paths. */
  readonly truncatedFields?: string[];
  /** Set when a rule suppressed the login (severity `info`): still published, for audit. */
  readonly suppressed?: { readonly rule: string };
  /** Set when the same person, host and source logged in within the repeat window: the first login's alert id, and which repeat this is. */
  readonly repeat?: { readonly of: string; readonly count: number };
  /** What the ledger knows of this person's sources, countries and networks (last `historyDays`). */
  readonly history?: LoginHistory;
  /** Where the source address is: its country and network from the offline IP databases, or `network: private`. */
  readonly geo?: GeoInfo;
  /** For `kind: escalation`: which login, and why; the login's own fields come with it. */
  readonly escalation?: Escalation;
  /** For `kind: coverage`: what the log sources cannot see, and what changed since the last report. */
  readonly coverage?: CoverageReport;
}

/**
 * Where a login came from (README, "Where from"). `private`: a private, loopback, link-local or
 * CGNAT address, never looked up. `public`: looked up; country and network when the databases know
 * the address. `source` names the databases that answered, `date` the oldest one's build date.
 */
export interface GeoInfo {
  readonly network: 'public' | 'private';
  /** ISO 3166-1 alpha-2, as the database gives it. */
  readonly country?: string;
  readonly countryName?: string;
  readonly asn?: number;
  readonly asOrg?: string;
  readonly source?: string;
  /** YYYY-MM-DD. */
  readonly date?: string;
  /** Inside the trusted egress ranges or networks (a VPN, a proxy): not counted as a place. */
  readonly trustedEgress?: boolean;
}

/** What the ledger's history knows of a login (README, "Where from" and "Noise control"). */
export interface LoginHistory {
  readonly firstSeenSource: boolean;
  readonly lastSeen?: string;
  /** The person's first login from this country in `historyDays` (raised one level when the ledger knows them). */
  readonly firstSeenCountry?: boolean;
  /** The person's first login from this network (AS) in `historyDays`: said, not raised. */
  readonly firstSeenNetwork?: boolean;
  /** Two countries closer in time than travel allows: the earlier login (also in `relatedAlertIds`). */
  readonly impossibleTravel?: ImpossibleTravel;
}

export interface ImpossibleTravel {
  readonly fromAlertId: string;
  readonly fromCountry: string;
  /** ISO-8601: the earlier login's time. */
  readonly fromTime: string;
  /** The least distance between the two countries (km). */
  readonly minDistanceKm: number;
  readonly minutesApart: number;
  /** The speed assumed at most (km/h). */
  readonly speedKmh: number;
}

/** A running instance no log source sees: `silent` (its stream went quiet) or `never-seen` (no stream). */
export interface UncoveredHost {
  readonly instanceId: string;
  readonly region: string;
  readonly status: 'silent' | 'never-seen';
  /** Why, and what to do. */
  readonly reason: string;
  /** The instance's Name tag. */
  readonly name?: string;
  /** ISO-8601: the last event of its stream, for a silent host. */
  readonly lastEventAt?: string;
  readonly logGroup?: string;
  readonly logStream?: string;
}

/** A deployment (account and region) whose heartbeat stopped, or an expected account none of whose deployments ever sent one. */
export interface SilentAccount {
  readonly account: string;
  /** Absent for an expected account never heard from. */
  readonly region?: string;
  /** ISO-8601: its last heartbeat. */
  readonly lastHeartbeatAt?: string;
  /** Why, and what to do. */
  readonly reason: string;
}

/** A watched region whose sign-ins and sessions may not arrive, and why. */
export interface UncoveredRegion {
  readonly region: string;
  /** One phrase per problem: a rule disabled, no trail logging, the forwarder missing, the region unreadable. */
  readonly problems: string[];
}

/** For `kind: coverage`: the uncovered hosts and regions now (lists cut at 100 each: `counts` has them all), and the change. */
export interface CoverageReport {
  readonly silentHosts: UncoveredHost[];
  readonly neverSeenHosts: UncoveredHost[];
  readonly uncoveredRegions: UncoveredRegion[];
  /** Accounts and regions whose heartbeat stopped, or that never sent one (`coverage.memberAccounts`); recorded where the topic is. */
  readonly silentAccounts: SilentAccount[];
  /** Hosts (`region/instance id`) and region problems (`region: problem`) uncovered now and not at the last report. */
  readonly newlyUncovered: string[];
  /** Listed at the last report; covered now, or gone. */
  readonly coveredAgain: string[];
  readonly counts: CoverageCounts;
}

export interface CoverageCounts {
  readonly covered: number;
  readonly silent: number;
  readonly neverSeen: number;
  readonly exempt: number;
  readonly tooNew: number;
  readonly regionsChecked: number;
  readonly uncoveredRegions: number;
  /** Deployments whose heartbeat stopped, and expected accounts never heard from. */
  readonly silentAccounts: number;
}

/** The value of `user` when an sshd `Accepted` line could not be parsed. */
export const UNKNOWN_USER = 'unknown';

/** The reason an alert carries when its sshd `Accepted` line could not be parsed. */
export const UNPARSED_LINE_REASON = 'sshd login line could not be parsed';
