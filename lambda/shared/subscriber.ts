import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendToDeadLetterQueue } from './dead-letter';
import { type DeliveryOutcome, deliverWithinBudget, RetryableDeliveryError } from './delivery';
import { readSnsEvent, type TopicMessage } from './topic-message';

/**
 * The loop every destination function runs over its SNS records: deliver each message; send what
 * can never be delivered (malformed, permanently refused) to the dead-letter queue with the reason;
 * fail the invocation for what may succeed later, so Lambda retries it.
 */
export interface SubscriberDeps {
  /** `slack`, `pagerduty`: names the destination in logs and dead letters. */
  readonly destination: string;
  readonly deliver: (message: TopicMessage) => Promise<DeliveryOutcome>;
  readonly sqs: SQSClient;
  readonly deadLetterQueueUrl: string;
  readonly logger: Logger;
  /** Request timeout of one attempt, kept in reserve when waiting out a rate limit. */
  readonly attemptMs: number;
}

export interface SubscriberResult {
  readonly delivered: number;
  readonly deadLettered: number;
}

export async function runSubscriber(event: unknown, remainingMs: () => number, deps: SubscriberDeps): Promise<SubscriberResult> {
  const { destination, logger } = deps;
  const records = readSnsEvent(event);
  let delivered = 0;
  let deadLettered = 0;
  const retryLater: string[] = [];

  for (const record of records) {
    const alertId = record.message?.type === 'alert' ? record.message.alert.id : undefined;
    if (!record.message) {
      logger.error('message cannot be delivered, sent to the dead-letter queue', { reason: record.error!.message, messageId: record.messageId });
      await sendToDeadLetterQueue(deps.sqs, deps.deadLetterQueueUrl, { destination, reason: record.error!.message, record: record.raw });
      deadLettered++;
      continue;
    }
    const message = record.message;
    const outcome = await deliverWithinBudget(() => deps.deliver(message), { remainingMs, attemptMs: deps.attemptMs });
    switch (outcome.kind) {
      case 'delivered':
        logger.info('delivered', { messageId: record.messageId, alertId, type: message.type });
        delivered++;
        break;
      case 'permanent':
        logger.error(`${destination} refused the message, sent to the dead-letter queue`, { messageId: record.messageId, alertId, reason: outcome.reason });
        await sendToDeadLetterQueue(deps.sqs, deps.deadLetterQueueUrl, {
          destination, reason: outcome.reason, statusCode: outcome.statusCode, responseBody: outcome.body, alertId, record: record.raw,
        });
        deadLettered++;
        break;
      default:
        logger.warn(`${destination} delivery failed, will be retried`, { messageId: record.messageId, alertId, reason: outcome.reason });
        retryLater.push(outcome.reason);
    }
  }
  if (retryLater.length > 0) throw new RetryableDeliveryError(destination, retryLater.join('; '));
  return { delivered, deadLettered };
}
