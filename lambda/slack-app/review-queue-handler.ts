import type { SQSBatchResponse } from 'aws-lambda';
import { answer, type AnswerDeps } from './answer';
import { handleReminder, type ReminderDeps } from './reminders';
import { settleReview } from './review-actions';
import { parseReviewQueueMessage, sendOnIfEarly, type ReviewQueueMessage } from './review-queue';

/** An SQS record as the event source mapping hands it over (what is read of it). */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly eventSource: 'aws:sqs';
}

export type ReviewQueueDeps = ReminderDeps & AnswerDeps & {
  /** Removes secrets from text that is logged. */
  readonly redact: (text: string) => string;
};

/**
 * Each message of the review queue on its own: a malformed one goes to the dead-letter queue with
 * its reason, one that throws (DynamoDB or SQS unavailable) is retried by the queue (partial batch
 * response), the rest are done.
 */
export async function handleReviewQueue(records: readonly SqsRecord[], deps: ReviewQueueDeps): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    let message: ReviewQueueMessage;
    try {
      message = parseReviewQueueMessage(record.body);
    } catch (error) {
      deps.logger.error('not a review queue message, sent to the dead-letter queue', { messageId: record.messageId, reason: (error as Error).message });
      await deps.deadLetter(`malformed review queue message: ${(error as Error).message}`, record);
      continue;
    }
    const alertId = message.type === 'login-review-answer' ? message.press.alertId : message.alertId;
    try {
      const result = await handle(message, deps);
      deps.logger.info('review step handled', { type: message.type, alertId, result });
    } catch (error) {
      deps.logger.warn('review step failed, will be retried', { type: message.type, alertId, reason: deps.redact((error as Error).message) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

async function handle(message: ReviewQueueMessage, deps: ReviewQueueDeps): Promise<string> {
  switch (message.type) {
    case 'login-review-reminder':
      return handleReminder(message, deps);
    case 'login-review-answer':
      return answer(message, deps);
    case 'login-review-sync':
      if (await sendOnIfEarly(message, deps.enqueue, deps.now())) return 'not-due';
      return settleReview(message.alertId, deps, message.attempt);
  }
}
