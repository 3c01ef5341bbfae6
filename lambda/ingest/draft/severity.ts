import { SEVERITIES, type Severity, UNPARSED_LINE_REASON } from '../../shared/alert';
import type { NetworkSet } from '../../shared/networks';
import type { ApiLogin } from '../parse/api-event';
import type { ConsoleLogin } from '../parse/console-login';
import type { KubernetesExec } from '../parse/kubernetes-audit';
import type { SignInEvent } from '../parse/sign-in-event';
import type { SshLineResult } from '../parse/ssh-line';
import type { WindowsLogon } from '../parse/windows-logon';

/**
 * The default severity policy (docs/REFERENCE.md, "Default severity policy"; DESIGN.md). Pure: data in, data out.
 * Every result carries the reasons a reader needs to agree with it.
 */

export interface SeverityPolicy {
  /** SSH logins from inside these ranges are one level lower, never below `low`. */
  readonly trustedNetworks?: NetworkSet;
}

export interface Classification {
  readonly severity: Severity;
  readonly reasons: string[];
}

export function classifySsh(login: SshLineResult, policy: SeverityPolicy): Classification {
  if (!login.parsed) return { severity: 'medium', reasons: [UNPARSED_LINE_REASON] };
  const reasons: string[] = [];
  if (login.user === 'root') reasons.push('root user');
  if (login.method === 'password' || login.method.startsWith('keyboard-interactive')) reasons.push('password login');
  const severity: Severity = reasons.length > 0 ? 'high' : 'medium';
  if (reasons.length === 0) reasons.push('SSH login');

  return byTrustedRanges({ severity, reasons }, login.sourceIp, policy, 'says so');
}

/**
 * With trusted ranges set: a source inside them lowers the severity one level (never below `low`);
 * one outside them is said, and for Windows (RDP should never face the internet) raised to high.
 */
function byTrustedRanges(found: Classification, sourceIp: string | undefined, policy: SeverityPolicy, outside: 'says so' | 'raises'): Classification {
  const trusted = policy.trustedNetworks;
  if (!trusted || trusted.size === 0 || !sourceIp) return found;
  if (trusted.has(sourceIp)) return { severity: lower(found.severity), reasons: [...found.reasons, 'source IP inside trusted ranges'] };
  return { severity: outside === 'raises' ? 'high' : found.severity, reasons: [...found.reasons, 'source IP outside trusted ranges'] };
}

/** The reason a Windows event that could be recognised but not read carries. */
export const UNREAD_WINDOWS_EVENT_REASON = 'Windows logon event could not be read';

/**
 * Windows logons: medium; high for the built-in Administrator (the account every brute force
 * tries, and the one EC2's launch password is for) or, with trusted ranges set, a source outside
 * them; one level lower inside them. A failure (alerted only when opted in) is low: a burst of
 * them is raised by the repeat rules. A logon through a local tunnel (Session Manager port
 * forwarding, Fleet Manager) has no outside address to judge: CloudTrail's session names who opened it.
 */
export function classifyWindows(logon: WindowsLogon, policy: SeverityPolicy): Classification {
  if (logon.problems.length > 0) return { severity: logon.outcome === 'success' ? 'medium' : 'low', reasons: [UNREAD_WINDOWS_EVENT_REASON, ...logon.problems] };
  const door = WINDOWS_DOORS[logon.logonType ?? -1] ?? `Windows logon type ${logon.logonType}`;
  if (logon.outcome === 'failure') return { severity: 'low', reasons: [`failed ${door}`, ...(logon.failureReason ? [logon.failureReason] : [])] };
  const reasons = [door];
  let severity: Severity = 'medium';
  if (logon.builtInAdministrator) {
    severity = 'high';
    reasons.push('built-in Administrator');
  }
  if (logon.viaLocalTunnel) reasons.push('through a local tunnel (Session Manager port forwarding or Fleet Manager)');
  return byTrustedRanges({ severity, reasons }, logon.sourceIp, policy, 'raises');
}

const WINDOWS_DOORS: Record<number, string> = {
  2: 'Windows console logon', 7: 'Remote Desktop reconnect (unlock)', 10: 'Remote Desktop logon', 11: 'Windows logon with cached credentials',
};

/**
 * Kubernetes: a shell or a tunnel into a running pod, past every admission control: medium; low
 * when the API server refused it (403: RBAC held); critical by the account's root user. A service
 * account's exec (a pipeline, or a stolen token) says so.
 */
export function classifyKubernetes(login: KubernetesExec): Classification {
  const what = login.pod.subresource === 'portforward' ? 'kubectl port-forward'
    : login.pod.subresource === 'attach' ? 'kubectl attach' : login.pod.interactive ? 'kubectl exec (interactive)' : 'kubectl exec';
  const reasons = [what, ...login.problems];
  if (login.serviceAccount) reasons.push(`by service account ${login.serviceAccount}`);
  if (login.outcome === 'failure') return { severity: 'low', reasons: [...reasons, `refused: ${login.code}${login.authorizationReason ? ` (${login.authorizationReason})` : ''}`] };
  if (login.identity?.principal.type === 'Root') return { severity: 'critical', reasons: [...reasons, 'root user'] };
  return { severity: 'medium', reasons };
}

export function classifyConsole(login: ConsoleLogin): Classification {
  const failed = login.outcome === 'failure';
  const { type } = login.principal;
  if (type === 'Root') {
    return failed
      ? { severity: 'high', reasons: ['root user', 'failed sign-in'] }
      : { severity: 'critical', reasons: ['root user', ...mfaReason(login.mfa)] };
  }
  if (failed) {
    return { severity: 'medium', reasons: ['failed sign-in', ...(login.userHidden ? ['user name hidden by CloudTrail (no such IAM user)'] : [])] };
  }
  if (type === 'IAMUser') {
    return login.mfa === true
      ? { severity: 'low', reasons: ['IAM user', 'MFA used'] }
      : { severity: 'high', reasons: ['IAM user', ...mfaReason(login.mfa)] };
  }
  if (type === 'AssumedRole' || type === 'FederatedUser') {
    const via = login.principal.federation === 'identity-center' ? 'IAM Identity Center sign-in'
      : login.principal.federation === 'saml' ? 'SAML federated sign-in' : 'federated sign-in';
    return { severity: 'low', reasons: [via] };
  }
  return { severity: 'medium', reasons: [`unrecognised identity type ${type}`] };
}

/**
 * The API-call doors (CloudTrail): Session Manager sessions, Instance Connect pushes or tunnels,
 * ECS Exec, CloudShell and Fleet Manager Remote Desktop. Low, as a way in that already names its
 * caller; medium when made with an IAM user's long-term access keys (a key that can leak) or
 * denied; critical by root (high when root was denied).
 */
export function classifyApi(login: ApiLogin): Classification {
  const reasons = [apiDoor(login), ...login.problems];
  const root = login.identity.principal.type === 'Root';
  if (login.errorCode) {
    return { severity: root ? 'high' : 'medium', reasons: [...reasons, `denied: ${login.errorCode}`, ...(root ? ['root user'] : [])] };
  }
  if (root) return { severity: 'critical', reasons: [...reasons, 'root user'] };
  if (login.identity.longTermKeys && login.identity.principal.type === 'IAMUser') {
    return { severity: 'medium', reasons: [...reasons, 'IAM user long-term access keys'] };
  }
  if (login.kind === 'instance-connect') reasons.push('no SSH login seen with it');
  return { severity: 'low', reasons };
}

/** The door, as the first reason says it: `SSM shell session`, `ECS Exec interactive command`, … */
function apiDoor(login: ApiLogin): string {
  switch (login.kind) {
    case 'ssm-session': {
      const session = login.session;
      if (!session?.type || session.type === 'shell') return 'SSM shell session';
      const named = session.type === 'custom' ? `custom document ${session.document}`
        : session.type === 'rdp' ? 'RDP port forwarding'
          : session.type === 'port-forwarding' ? `port forwarding${session.remoteHost ? ' to a remote host' : ''}`
            : session.type === 'ssh' ? 'SSH over Session Manager' : `command (${session.document})`;
      return `SSM session (${named})`;
    }
    case 'ecs-exec': return `ECS Exec ${login.container?.interactive === false ? 'command' : 'interactive command'}`;
    case 'cloudshell': return 'CloudShell session';
    case 'remote-desktop': return 'Fleet Manager Remote Desktop connection';
    default:
      return login.eventName === 'OpenTunnel' ? 'EC2 Instance Connect Endpoint tunnel'
        : login.eventName === 'SendSerialConsoleSSHPublicKey' ? 'EC2 serial console key push' : 'EC2 Instance Connect key push';
  }
}

/** Factors that are a second one beside the password (Identity Center's names for them). */
const SECOND_FACTORS = new Set(['TOTP', 'RESYNC_TOTP', 'WEBAUTHN', 'EMAIL_OTP', 'SMARTCARD']);
const EXTERNAL_IDP_FACTOR = 'EXTERNAL_IDP';

/**
 * Whether an Identity Center sign-in used MFA, from the factors known to have passed: a second
 * factor says yes; the password alone says no (an instance configured without MFA); an external
 * identity provider did its own checking, which the record does not show (undefined).
 */
function identityCenterMfa(factors: readonly string[]): boolean | undefined {
  if (factors.some((f) => SECOND_FACTORS.has(f))) return true;
  if (factors.includes(EXTERNAL_IDP_FACTOR)) return undefined;
  return factors.includes('PASSWORD') ? false : undefined;
}

/**
 * AWS Sign-In's other records. Root password recovery: critical (whoever holds the root mailbox
 * gets in; high when it failed). A console role switch: low, as a session that already names its
 * person; medium when denied. An Identity Center sign-in: low with MFA, high without (password
 * only), medium when MFA is not recorded by anything that passed (an external identity provider
 * checks on its own: low); a failed factor medium (a burst of them for one user is raised by
 * ledger/repeats.ts).
 */
export function classifySignIn(event: SignInEvent): Classification {
  const { factors, problems } = event;
  const failed = event.outcome === 'failure';
  switch (event.kind) {
    case 'password-recovery': {
      const what = event.eventName === 'PasswordRecoveryCompleted' ? 'root password reset by recovery' : 'root password recovery requested';
      return failed ? { severity: 'high', reasons: [`failed: ${what}`, ...problems] } : { severity: 'critical', reasons: [what, ...problems] };
    }
    case 'switch-role':
      return failed ? { severity: 'medium', reasons: ['denied console role switch', ...problems] } : { severity: 'low', reasons: ['console role switch', ...problems] };
    default: {
      if (failed) {
        const factor = factors.length > 0 ? ` (${factors.join(', ')})` : '';
        return { severity: 'medium', reasons: [`failed IAM Identity Center sign-in${factor}`, ...(event.errorMessage ? [event.errorMessage] : []), ...problems] };
      }
      const verdict = factorVerdict(factors);
      return { severity: verdict.severity, reasons: ['IAM Identity Center sign-in', ...problems, verdict.reason] };
    }
  }
}

/** What the factors an Identity Center sign-in passed say of it: MFA, its severity, and the reason (always its last). */
export function factorVerdict(factors: readonly string[]): { mfa?: boolean; severity: Severity; reason: string } {
  const mfa = identityCenterMfa(factors);
  if (mfa === true) return { mfa, severity: 'low', reason: `MFA used (${factors.filter((f) => SECOND_FACTORS.has(f)).join(', ')})` };
  if (factors.includes(EXTERNAL_IDP_FACTOR)) return { severity: 'low', reason: 'through an external identity provider (its MFA is not recorded here)' };
  if (mfa === false) return { mfa, severity: 'high', reason: 'no MFA (password only)' };
  return { severity: 'medium', reason: 'MFA use not recorded' };
}

/** One level higher, never above `ceiling`, with the reason why (a rule, a source never seen). */
export function raiseFor(classification: Classification, reason: string, ceiling: Severity = 'critical'): Classification {
  const index = SEVERITIES.indexOf(classification.severity);
  const severity = index < SEVERITIES.indexOf(ceiling) ? SEVERITIES[index + 1] : classification.severity;
  return { severity, reasons: [...classification.reasons, reason] };
}

/** The account's root user, as an Instance Connect principal ARN names it (`arn:aws:iam::<acct>:root`). */
export function isRootArn(arn: string | undefined): boolean {
  return arn !== undefined && /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn);
}

/**
 * A login made possible by a key the root user pushed: critical, as every door root opens is (the
 * root user should not be in daily use); never lowered for being attributed.
 */
export function pushedByRoot(classification: Classification): Classification {
  return { severity: 'critical', reasons: [...classification.reasons, 'key pushed with EC2 Instance Connect by the root user'] };
}

/** One level lower, never below `low`, with the reason why (a login attributed to a person). */
export function lowerFor(classification: Classification, reason: string): Classification {
  return { severity: lower(classification.severity), reasons: [...classification.reasons, reason] };
}

function mfaReason(mfa: boolean | undefined): string[] {
  if (mfa === true) return ['MFA used'];
  return [mfa === false ? 'no MFA' : 'MFA use not recorded'];
}

/** One level lower, never below `low`. */
function lower(severity: Severity): Severity {
  const index = SEVERITIES.indexOf(severity);
  return index > SEVERITIES.indexOf('low') ? SEVERITIES[index - 1] : severity;
}
