import type { ConsoleLogin } from './console-login';
import type { SshLineResult } from './ssh-line';
import { SEVERITIES, type Severity, UNPARSED_LINE_REASON } from '../shared/alert';
import type { NetworkSet } from '../shared/networks';

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

function mfaReason(mfa: boolean | undefined): string[] {
  if (mfa === true) return ['MFA used'];
  return [mfa === false ? 'no MFA' : 'MFA use not recorded'];
}

/** One level lower, never below `low`. */
function lower(severity: Severity): Severity {
  const index = SEVERITIES.indexOf(severity);
  return index > SEVERITIES.indexOf('low') ? SEVERITIES[index - 1] : severity;
}
