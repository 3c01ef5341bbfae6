import { SEVERITIES, type Severity, UNPARSED_LINE_REASON } from '../../shared/alert';
import type { NetworkSet } from '../../shared/networks';
import type { ApiLogin } from '../parse/api-event';
import type { ConsoleLogin } from '../parse/console-login';
import type { SshLineResult } from '../parse/ssh-line';

/**
 * The default severity policy (README "Default severity policy"; DESIGN.md). Pure: data in, data out.
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
  let severity: Severity = reasons.length > 0 ? 'high' : 'medium';
  if (reasons.length === 0) reasons.push('SSH login');

  const trusted = policy.trustedNetworks;
  if (trusted && trusted.size > 0 && login.sourceIp) {
    if (trusted.has(login.sourceIp)) {
      severity = lower(severity);
      reasons.push('source IP inside trusted ranges');
    } else {
      reasons.push('source IP outside trusted ranges');
    }
  }
  return { severity, reasons };
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
 * Session Manager sessions and Instance Connect pushes or tunnels (CloudTrail): low, as a way in
 * that already names its caller; medium when made with an IAM user's long-term access keys (a key
 * that can leak) or denied; critical by root (high when root was denied).
 */
export function classifyApi(login: ApiLogin): Classification {
  const what = login.kind === 'ssm-session'
    ? `SSM ${login.session?.document && login.session.document !== 'shell' ? `session (${login.session.document})` : 'shell session'}`
    : login.eventName === 'OpenTunnel' ? 'EC2 Instance Connect Endpoint tunnel'
      : login.eventName === 'SendSerialConsoleSSHPublicKey' ? 'EC2 serial console key push' : 'EC2 Instance Connect key push';
  const reasons = [what, ...login.problems];
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
