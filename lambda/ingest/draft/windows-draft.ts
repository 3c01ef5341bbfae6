import { classifyWindows, type SeverityPolicy } from './severity';
import type { AlertDraft } from './ssh-draft';
import { MAX_RAW_LINE_CHARS } from './ssh-draft';
import { ALERT_SCHEMA_VERSION, UNKNOWN_USER, type WindowsLogonInfo } from '../../shared/alert';
import type { LogEvent, LogsDelivery } from '../parse/envelope';
import { hostKeyFor } from '../parse/host-key';
import type { WindowsLogon } from '../parse/windows-logon';

/**
 * A Windows logon's alert before enrichment: `user` is `DOMAIN\name` as the event writes them, the
 * instance comes from the log stream (`{instance_id}`, as for SSH), the raw event is kept (cut like
 * an SSH line), and what only Windows says sits in `windows`.
 */
export function windowsAlertDraft(delivery: LogsDelivery, event: LogEvent, logon: WindowsLogon, policy: SeverityPolicy, region: string): AlertDraft {
  const { severity, reasons } = classifyWindows(logon, policy);
  const truncated = event.message.length > MAX_RAW_LINE_CHARS;
  const user = logon.userName ? (logon.domain ? `${logon.domain}\\${logon.userName}` : logon.userName) : UNKNOWN_USER;
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.id,
    kind: 'windows-logon',
    severity,
    reasons,
    outcome: logon.outcome,
    time: logon.time ?? new Date(event.timestamp).toISOString(),
    account: delivery.owner,
    region,
    user,
    ...(logon.sourceIp && { sourceIp: logon.sourceIp }),
    ...(logon.port !== undefined && { port: logon.port }),
    ...(logon.logonTypeName && { method: logon.logonTypeName }),
    windows: windowsInfo(logon),
    origin: {
      logGroup: delivery.logGroup,
      logStream: delivery.logStream,
      message: truncated ? event.message.slice(0, MAX_RAW_LINE_CHARS) : event.message,
      ...(truncated && { messageTruncated: true }),
    },
    ...(logon.computer && { host: { hostname: logon.computer } }),
    hostKey: hostKeyFor(delivery.logStream, undefined),
  };
}

/** Everything but what the alert's own fields carry (user, address, port, time, outcome). */
function windowsInfo(logon: WindowsLogon): WindowsLogonInfo {
  const { outcome: _outcome, userName: _user, sourceIp: _ip, port: _port, time: _time, problems: _problems, ...info } = logon;
  return info;
}
