import { parseWindowsEvent, SECURITY_AUDITING_PROVIDER, type WindowsEventRecord } from './windows-event';
import { WINDOWS_INTERACTIVE_LOGON_TYPES } from '../../../src/contract/event-patterns';
import type { WindowsLogonInfo } from '../../shared/alert';

/**
 * A Windows logon (Security log event 4624, "An account was successfully logged on", or 4625, "An
 * account failed to log on"; Microsoft's "4624(S)" and "4625(F)" pages) read from either format.
 *
 * Who writes what: the Local Security Authority writes the event; in a success, the account
 * (`TargetUserName`, `TargetDomainName`, `TargetUserSid`) is the one Windows authenticated, and the
 * source address is the connection's. In a failure, the account and domain are whatever the client
 * typed (anyone who can reach the RDP port), and in both the workstation name is the client's own
 * claim (NTLM sends it): neither ever names a person.
 *
 * Only interactive logons are logins: 2 (console, including the EC2 serial console), 10 (Remote
 * Desktop), 11 (cached credentials) and 7 (unlock) when it comes over the network (Remote Desktop
 * reconnecting to a locked session); an unlock at the console is the same person's session going
 * on. Network, batch and service logons (3, 4, 5, 8, 9) never are (the subscription filter drops
 * them first).
 */

export const LOGON_TYPE_NAMES: Record<number, string> = {
  0: 'System',
  2: 'Interactive',
  3: 'Network',
  4: 'Batch',
  5: 'Service',
  7: 'Unlock',
  8: 'NetworkCleartext',
  9: 'NewCredentials',
  10: 'RemoteInteractive',
  11: 'CachedInteractive',
  12: 'CachedRemoteInteractive',
  13: 'CachedUnlock',
};

/** NTSTATUS codes of a failed logon (Microsoft's 4625 page, "Windows logon status codes"), by lowercase hex. */
export const LOGON_STATUS_NAMES: Record<string, string> = {
  '0xc000005e': 'no logon servers available',
  '0xc0000064': 'no such user',
  '0xc000006a': 'wrong password',
  '0xc000006d': 'bad user name or authentication information',
  '0xc000006e': 'account restriction',
  '0xc000006f': 'outside authorized hours',
  '0xc0000070': 'unauthorized workstation',
  '0xc0000071': 'password expired',
  '0xc0000072': 'account disabled',
  '0xc00000dc': 'SAM server in the wrong state',
  '0xc0000133': 'clock skew with the domain controller',
  '0xc000015b': 'logon type not granted',
  '0xc000018c': 'trust relationship failed',
  '0xc0000192': 'Netlogon service not started',
  '0xc0000193': 'account expired',
  '0xc0000224': 'password must change',
  '0xc0000225': 'Windows bug (not a risk)',
  '0xc0000234': 'account locked out',
  '0xc00002ee': 'an error occurred during logon',
  '0xc0000413': 'authentication firewall: machine not allowed',
};

/** A logon as read: what the alert's `windows` field carries, and the account, address and time besides. */
export interface WindowsLogon extends WindowsLogonInfo {
  readonly eventId: 4624 | 4625;
  readonly outcome: 'success' | 'failure';
  readonly userName?: string;
  readonly sourceIp?: string;
  readonly port?: number;
  readonly time?: string;
  /** Why the record could not be read whole: its alert carries the raw event and names nobody. */
  readonly problems: string[];
}

export type WindowsLogonResult =
  | { readonly logon: WindowsLogon }
  /** A Windows event that is not an interactive logon: why, for the log. */
  | { readonly ignored: string };

/** A logon, why a Windows event is not one, or undefined for a message that is no Windows event. */
export function parseWindowsLogon(message: string): WindowsLogonResult | undefined {
  const record = parseWindowsEvent(message);
  if (!record) return undefined;
  if (Number.isNaN(record.eventId)) {
    // Unreadable XML: a logon only if it says so where the filter looked, and then half-read.
    const id = /<EventID[^>]*>\s*(4624|4625)\s*</.exec(message)?.[1];
    if (!id) return { ignored: `Windows event unreadable: ${record.problems.join('; ')}` };
    return { logon: { eventId: Number(id) as 4624 | 4625, outcome: id === '4624' ? 'success' : 'failure', format: record.format, problems: record.problems } };
  }
  if (record.eventId !== 4624 && record.eventId !== 4625) return { ignored: `Windows event ${record.eventId} is not a logon (4624) or failed logon (4625)` };
  if (record.provider !== SECURITY_AUDITING_PROVIDER || record.channel !== 'Security') {
    return { ignored: `event ${record.eventId} from ${record.provider || 'no provider'} on ${record.channel || 'no channel'} is not the Security log's: only the Local Security Authority writes logons` };
  }
  return readLogon(record);
}

function readLogon(record: WindowsEventRecord): WindowsLogonResult {
  const outcome = record.eventId === 4624 ? 'success' : 'failure';
  const header = {
    eventId: record.eventId as 4624 | 4625,
    outcome,
    format: record.format,
    ...(record.computer && { computer: record.computer }),
    ...(record.time && { time: record.time }),
    ...(record.recordId && { recordId: record.recordId }),
  } as const;
  if (record.problems.length > 0) return { logon: { ...header, problems: record.problems } };

  const field = (name: string) => present(record.data.get(name));
  const logonType = Number(field('LogonType'));
  if (!Number.isInteger(logonType)) return { logon: { ...header, problems: [`LogonType ${JSON.stringify(field('LogonType') ?? '')} is not a number`] } };
  const address = field('IpAddress');
  const local = address === '127.0.0.1' || address === '::1';
  const remote = address !== undefined && !local;
  const typeName = LOGON_TYPE_NAMES[logonType] ?? `type ${logonType}`;
  if (!(WINDOWS_INTERACTIVE_LOGON_TYPES as readonly number[]).includes(logonType)) {
    return { ignored: `${outcome === 'success' ? 'logon' : 'failed logon'} of type ${logonType} (${typeName}) is not interactive` };
  }
  if (logonType === 7 && !remote) return { ignored: 'an unlock at the console (logon type 7) continues its own session' };

  const sid = field('TargetUserSid');
  const userName = field('TargetUserName');
  const port = Number(field('IpPort'));
  const status = field('Status')?.toLowerCase();
  const subStatus = field('SubStatus')?.toLowerCase();
  const named = (code: string | undefined) => (code && code !== '0x0' ? LOGON_STATUS_NAMES[code] ?? code : undefined);
  // 0xc000006d ("bad user name or authentication information") says more in its sub-status.
  const failureReason = outcome === 'failure' ? (status === '0xc000006d' && named(subStatus)) || named(status) || field('FailureReason') : undefined;
  return {
    logon: {
      ...header,
      logonType,
      logonTypeName: typeName,
      ...(userName && { userName }),
      ...(field('TargetDomainName') && { domain: field('TargetDomainName') }),
      ...(sid && { userSid: sid }),
      ...(remote && { sourceIp: stripMappedIpv4(address) }),
      ...(local && { viaLocalTunnel: true }),
      ...(Number.isInteger(port) && port > 0 && port <= 65535 && { port }),
      ...(field('WorkstationName') && { workstation: field('WorkstationName') }),
      ...(field('LogonProcessName') && { logonProcess: field('LogonProcessName') }),
      ...(field('AuthenticationPackageName') && { authenticationPackage: field('AuthenticationPackageName') }),
      ...(field('LmPackageName') && { lmPackage: field('LmPackageName') }),
      ...flag('elevatedToken', field('ElevatedToken')),
      ...flag('restrictedAdminMode', field('RestrictedAdminMode')),
      ...flag('virtualAccount', field('VirtualAccount')),
      ...((sid?.endsWith('-500') || userName?.toLowerCase() === 'administrator') && outcome === 'success' && { builtInAdministrator: true }),
      ...(status && { status }),
      ...(subStatus && { subStatus }),
      ...(failureReason && { failureReason }),
      problems: [],
    },
  };
}

/** Windows writes `-` for an empty field. */
function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed === '-' ? undefined : trimmed;
}

/** `Yes`/`No` in the rendered text; `%%1842`/`%%1843` (message-table references) in the XML. */
function flag<K extends string>(key: K, value: string | undefined): Partial<Record<K, boolean>> {
  if (value === 'Yes' || value === '%%1842') return { [key]: true } as Record<K, boolean>;
  if (value === 'No' || value === '%%1843') return { [key]: false } as Record<K, boolean>;
  return {};
}

function stripMappedIpv4(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
