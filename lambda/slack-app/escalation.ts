import type { PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import type { AnswerRole, EscalationReason } from './review-store';
import { publishAlerts } from '../ingest/publish/publish';
import type { Alert } from '../shared/alert';

/**
 * An escalation is a new alert on the topic (`kind: escalation`, severity `critical`) carrying the
 * login's own fields, so PagerDuty and every other subscriber see it through the same contract and
 * filter policies. Its id is derived from the login's and the reason: a retried publish repeats the
 * same id, which PagerDuty deduplicates (dedup_key) and the Slack app posts once.
 */
export function escalationAlert(login: Alert, reason: EscalationReason, detail: { by?: string; byRole?: AnswerRole; reminders?: number }): Alert {
  const why = reason === 'disputed'
    ? `${disputer(detail.by, detail.byRole)} said it was not them`
    : `nobody confirmed it after ${detail.reminders ?? 0} reminder(s)`;
  const { suppressed: _s, repeat: _r, ...fields } = login;
  return {
    ...fields,
    id: escalationId(login.id, reason),
    kind: 'escalation',
    severity: 'critical',
    reasons: [`escalated: ${why}`, ...login.reasons],
    summary: `Escalated (${reason}): ${login.summary}`,
    escalation: { loginAlertId: login.id, reason, ...(detail.by && { by: detail.by }), ...(detail.by && detail.byRole && { byRole: detail.byRole }) },
  };
}

/** Who disputed, and whether that was the person asked: a bystander's dispute never reads as the owner's. */
export function disputer(by: string | undefined, role: AnswerRole | undefined): string {
  if (!by) return 'someone';
  switch (role) {
    case 'asked': return `the person asked (Slack user ${by})`;
    case 'approver': return `an approver (Slack user ${by}), not the person asked,`;
    case 'other': return `Slack user ${by}, neither the person asked nor an approver,`;
    default: return `Slack user ${by}`;
  }
}

export function escalationId(loginAlertId: string, reason: EscalationReason): string {
  return `escalation-${reason}-${loginAlertId}`;
}

/**
 * Publishes escalations as the ingest function publishes alerts (same attributes, size limits,
 * retries). The SNS client loads on the first escalation, not at every cold start: most presses
 * confirm, and the interaction function has Slack's three seconds to answer (docs/BENCHMARKS.md).
 */
export function escalationPublisher(topicArn: string, routingTagKeys: readonly string[]) {
  let sns: { module: typeof import('@aws-sdk/client-sns'); client: SNSClient } | undefined;
  return async (alert: Alert): Promise<void> => {
    if (!sns) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
      sns = { module, client: new module.SNSClient({}) };
    }
    const { module, client } = sns;
    const publishBatch = async (entries: PublishBatchRequestEntry[]) =>
      client.send(new module.PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
    await publishAlerts(publishBatch, [alert], { routingTagKeys });
  };
}
