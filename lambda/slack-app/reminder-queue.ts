import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Reminders travel as SQS messages delayed until they are due, one per open review: the work grows
 * with open reviews, not with time (no schedule polling the ledger every minute), a message that
 * cannot be handled is retried and then lands in the destination's dead-letter queue by the queue's
 * redrive policy, and nothing needs cleaning up when a review is answered early (the reminder finds
 * the review answered and sends nothing). Chosen over an EventBridge Scheduler one-time schedule per
 * review, which needs iam:PassRole, a schedule group and deleting each schedule. SQS delays at most
 * 15 minutes: a longer wait is a chain of messages, each re-sent with what is left.
 */

export interface ReminderMessage {
  readonly type: 'login-review-reminder';
  readonly alertId: string;
  /** 1 for the first reminder; `reminders + 1` is the check that escalates. */
  readonly reminder: number;
  /** When it is due, in epoch milliseconds. */
  readonly dueAt: number;
}

export const MAX_SQS_DELAY_SECONDS = 900;

export function reminderSender(client: SQSClient, queueUrl: string, now: () => number = Date.now) {
  return async (message: ReminderMessage): Promise<void> => {
    const delay = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((message.dueAt - now()) / 1000)));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delay }));
  };
}

export function parseReminder(body: string): ReminderMessage {
  const parsed = JSON.parse(body) as Partial<ReminderMessage>;
  if (parsed.type !== 'login-review-reminder' || typeof parsed.alertId !== 'string' || !Number.isInteger(parsed.reminder) || typeof parsed.dueAt !== 'number') {
    throw new Error('not a login review reminder');
  }
  return parsed as ReminderMessage;
}
