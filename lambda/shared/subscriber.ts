import type { Logger } from '@aws-lambda-powertools/logger';
import { type DeadLetter, sendToDeadLetterQueue } from './dead-letter';
import { type DeliveryOutcome, deliverWithinBudget, RetryableDeliveryError } from './delivery';
import type { PipelineMetrics } from './metrics';
import { readSnsEvent, type SnsRecord, type TopicMessage } from './topic-message';

/**
 * The loop every destination function runs over its SNS records: deliver each message; send what
 * can never be delivered (malformed, permanently refused) to the dead-letter queue with the reason;
 * fail the invocation for what may succeed later, so Lambda retries it.
 */
export interface SubscriberDeps {
  /** `slack`, `pagerduty`: names the destination in logs and dead letters. */
  readonly destination: string;
  readonly deliver: (message: TopicMessage) => Promise<DeliveryOutcome>;
  readonly deadLetterQueueUrl: string;
  readonly logger: Logger;
  /** Request timeout of one attempt, kept in reserve when waiting out a rate limit. */
  readonly attemptMs: number;
  /** Removes secret values from every text logged, thrown or dead-lettered (`redact.ts`). */
  readonly redact?: (text: string) => string;
  /** Topics alarm notifications are acted on from; an alarm from any other is dead-lettered as untrusted. */
  readonly trustedAlarmTopicArns?: string[];
  /** Counts `Delivered`, `DeadLettered` and `DeliveryRetried` per destination (flushed by the caller's end). */
  readonly metrics?: PipelineMetrics;
}

export interface SubscriberResult {
  readonly delivered: number;
  readonly deadLettered: number;
}

export async function runSubscriber(event: unknown, remainingMs: () => number, deps: SubscriberDeps): Promise<SubscriberResult> {
  const { destination, logger } = deps;
  const redact = deps.redact ?? ((text: string) => text);
  const deadLetter = (letter: DeadLetter) => sendToDeadLetterQueue(deps.deadLetterQueueUrl, letter, redact);
  const records = readSnsEvent(event);
  let delivered = 0;
  let deadLettered = 0;
  const retryLater: string[] = [];

  for (const record of records) {
    const alertId = record.message?.type === 'alert' ? record.message.alert.id : undefined;
    const problem = record.error?.message ?? untrustedAlarm(record, deps.trustedAlarmTopicArns);
    if (problem !== undefined || !record.message) {
      logger.error('message cannot be delivered, sent to the dead-letter queue', { reason: redact(problem ?? 'no message'), messageId: record.messageId, topicArn: record.topicArn });
      await deadLetter({ destination, reason: problem ?? 'no message', record: record.raw });
      deadLettered++;
      continue;
    }
    const message = record.message;
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverWithinBudget(() => deps.deliver(message), { remainingMs, attemptMs: deps.attemptMs });
    } catch (error) {
      // Whatever failed (a mistyped secret, a library error quoting a URL), nothing secret leaves here.
      const e = error as Error;
      throw Object.assign(new Error(redact(e.message ?? String(error))), { name: e.name ?? 'Error' });
    }
    switch (outcome.kind) {
      case 'delivered':
        logger.info('delivered', { messageId: record.messageId, alertId, type: message.type });
        delivered++;
        break;
      case 'permanent':
        logger.error(`${destination} refused the message, sent to the dead-letter queue`, { messageId: record.messageId, alertId, reason: redact(outcome.reason) });
        await deadLetter({
          destination, reason: outcome.reason, statusCode: outcome.statusCode, responseBody: outcome.body, alertId, record: record.raw,
        });
        deadLettered++;
        break;
      default:
        logger.warn(`${destination} delivery failed, will be retried`, { messageId: record.messageId, alertId, reason: redact(outcome.reason) });
        retryLater.push(redact(outcome.reason));
    }
  }
  const metrics = deps.metrics;
  metrics?.count('Delivered', delivered, ['Destination', destination]);
  metrics?.count('DeadLettered', deadLettered, ['Destination', destination]);
  metrics?.count('DeliveryRetried', retryLater.length, ['Destination', destination]);
  metrics?.flush();
  if (retryLater.length > 0) throw new RetryableDeliveryError(destination, retryLater.join('; '));
  return { delivered, deadLettered };
}

/**
 * An alarm-shaped message on a topic alarms do not publish to: anyone allowed to publish there could
 * have written it, and acting on it (a PagerDuty resolve) would let a forgery close a real incident.
 */
function untrustedAlarm(record: SnsRecord, trusted: string[] | undefined): string | undefined {
  if (record.message?.type !== 'alarm' || trusted === undefined) return undefined;
  if (record.topicArn !== undefined && trusted.includes(record.topicArn)) return undefined;
  return `alarm notification from ${record.topicArn ?? 'an unnamed topic'}, where pipeline alarms are not published: not acted on (a forgery?)`;
}
