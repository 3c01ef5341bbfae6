import { classifyKubernetes } from './severity';
import type { AlertDraft } from './ssh-draft';
import { MAX_RAW_LINE_CHARS } from './ssh-draft';
import { ALERT_SCHEMA_VERSION } from '../../shared/alert';
import type { LogEvent, LogsDelivery } from '../parse/envelope';
import type { KubernetesExec } from '../parse/kubernetes-audit';

/**
 * A Kubernetes exec's alert: the user is the IAM session or user EKS verified (its name, as for a
 * CloudTrail call), else the Kubernetes user name; the first source IP is the client's (later ones
 * are proxies it passed); the raw audit event is kept.
 */
export function kubernetesAlertDraft(delivery: LogsDelivery, event: LogEvent, login: KubernetesExec, region: string): AlertDraft {
  const { severity, reasons } = classifyKubernetes(login);
  const truncated = event.message.length > MAX_RAW_LINE_CHARS;
  const sourceIp = login.sourceIps[0];
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.id,
    kind: 'kubernetes-exec',
    severity,
    reasons,
    outcome: login.outcome,
    time: login.time ?? new Date(event.timestamp).toISOString(),
    account: delivery.owner,
    region,
    user: login.identity?.user ?? login.username,
    ...(sourceIp && { sourceIp }),
    method: login.pod.subresource,
    pod: login.pod,
    ...(login.identity && { principal: login.identity.principal }),
    ...(login.identity?.actor && { actor: login.identity.actor }),
    ...(login.userAgent && { userAgent: login.userAgent }),
    origin: {
      logGroup: delivery.logGroup,
      logStream: delivery.logStream,
      message: truncated ? event.message.slice(0, MAX_RAW_LINE_CHARS) : event.message,
      ...(truncated && { messageTruncated: true }),
    },
  };
}
