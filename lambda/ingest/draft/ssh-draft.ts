import { classifySsh, lowerFor, type SeverityPolicy } from './severity';
import { ALERT_SCHEMA_VERSION, UNKNOWN_USER, type Alert } from '../../shared/alert';
import { isTestLogin, TEST_LOGIN_REASON } from '../../shared/test-login';
import type { LogEvent, LogsDelivery } from '../parse/envelope';
import type { HostKey } from '../parse/host-key';
import { hostKeyFor } from '../parse/host-key';
import type { SshLineResult } from '../parse/ssh-line';

/** An alert before enrichment and wording: everything the log line itself tells. */
export type AlertDraft = Omit<Alert, 'summary'> & { readonly hostKey?: HostKey };

/** Raw lines longer than this are cut (with `messageTruncated`) so ten alerts fit one SNS PublishBatch. */
export const MAX_RAW_LINE_CHARS = 16 * 1024;

export function sshAlertDraft(
  delivery: LogsDelivery,
  event: LogEvent,
  login: SshLineResult,
  policy: SeverityPolicy,
  region: string,
): AlertDraft {
  const base = classifySsh(login, policy);
  // An OpenSSH certificate's key id names its holder (the CA vouched for it): a person, not an account.
  const keyId = login.parsed ? login.certificate?.keyId : undefined;
  const classified = keyId ? lowerFor(base, `SSH certificate of ${keyId}`) : base;
  const { severity } = classified;
  const test = login.parsed && isTestLogin(login.user, login.hostname, delivery.logStream);
  const reasons = test ? [TEST_LOGIN_REASON, ...classified.reasons] : classified.reasons;
  const truncated = event.message.length > MAX_RAW_LINE_CHARS;
  const hostname = login.hostname;
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.id,
    kind: 'ssh',
    severity,
    reasons,
    outcome: 'success',
    time: login.time ?? new Date(event.timestamp).toISOString(),
    account: delivery.owner,
    region,
    user: login.parsed ? login.user : UNKNOWN_USER,
    ...(login.parsed && {
      ...(login.sourceIp && { sourceIp: login.sourceIp }),
      method: login.method,
      port: login.port,
      ...(login.keyType && { keyType: login.keyType }),
      ...(login.keyFingerprint && { keyFingerprint: login.keyFingerprint }),
      ...(login.certificate && { certificate: login.certificate }),
      ...(keyId && { actor: { name: keyId, via: 'certificate' as const } }),
    }),
    origin: {
      logGroup: delivery.logGroup,
      logStream: delivery.logStream,
      message: truncated ? event.message.slice(0, MAX_RAW_LINE_CHARS) : event.message,
      ...(truncated && { messageTruncated: true }),
    },
    ...(hostname && { host: { hostname } }),
    hostKey: hostKeyFor(delivery.logStream, hostname),
  };
}
