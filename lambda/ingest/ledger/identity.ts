import { UNKNOWN_USER, type Alert } from '../../shared/alert';
import { TEST_LOGIN_REASON } from '../../shared/test-login';

/**
 * Who logged in, as repeats and history count them: the person or principal behind the login when
 * known (actor ARN or name, CloudTrail's caller), else the unix account on its instance
 * (`user@host`), else the console user of its account. Undefined when nothing names anyone (an
 * unparsed line).
 */
export function identityOf(alert: Alert): string | undefined {
  // `check --send-test-login` must reach every destination each time: never a repeat, never history.
  if (isTestAlert(alert)) return undefined;
  if (alert.actor?.arn) return alert.actor.arn;
  if (alert.actor?.name) return `actor:${alert.actor.name}`;
  if (alert.principal?.arn) return alert.principal.arn;
  if (alert.user === UNKNOWN_USER) return undefined;
  if (alert.kind === 'ssh') {
    const host = hostOf(alert);
    return host ? `${alert.user}@${host}` : undefined;
  }
  if (alert.kind === 'windows-logon') {
    // Windows names are case-blind, and a failure's domain is whatever the client typed: the account
    // on its host, like a unix user, by its name alone.
    const host = hostOf(alert);
    return host ? `windows:${windowsAccountName(alert.user).toLowerCase()}@${host}` : undefined;
  }
  return `${alert.kind}:${alert.account}:${alert.user}`;
}

/** `CORP\\alice` → `alice`. */
export function windowsAccountName(user: string): string {
  return user.slice(user.lastIndexOf('\\') + 1);
}

/** Where the login came from, as history counts it: an IPv4 address, or an IPv6 address's /64 (privacy addresses change within it). */
export function sourceOf(alert: Alert): string | undefined {
  const ip = alert.sourceIp;
  if (!ip) return undefined;
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function expandIpv6(ip: string): string[] | undefined {
  const [head, tail, ...rest] = ip.split('::');
  if (rest.length > 0) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined && missing !== 0) return undefined;
  const groups = [...left, ...Array(Math.max(missing, 0)).fill('0'), ...right];
  return groups.length === 8 ? groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')) : undefined;
}

function isTestAlert(alert: Alert): boolean {
  return alert.kind === 'ssh' && alert.reasons[0] === TEST_LOGIN_REASON;
}

/** The instance an alert is about, as the ledger names it. */
export function hostOf(alert: Alert): string | undefined {
  if (alert.host?.instanceId) return alert.host.instanceId;
  if (alert.host?.privateIp) return `ip:${alert.host.privateIp}`;
  if (alert.host?.hostname) return `host:${alert.host.hostname}`;
  const stream = (alert.origin as { logStream?: unknown }).logStream;
  return typeof stream === 'string' && stream !== '' ? `stream:${stream}` : undefined;
}
