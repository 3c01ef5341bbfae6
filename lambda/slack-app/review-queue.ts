import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EscalationReason } from './review-store';

/**
 * The review loop's queue (REMINDER_QUEUE_URL): SQS messages, delayed until due, carrying every
 * step of a review that happens after its alert was posted. The delivery function handles them all.
 *
 * - `login-review-reminder`: reminder 1…N of a review, and `reminders + 1`, the deadline check that
 *   escalates it as `unanswered`. The deadline is queued when the review opens, beside reminder 1,
 *   so it never depends on a reminder being posted (Slack down) to be scheduled.
 * - `login-review-answer`: a button press, verified by the interaction endpoint and queued before
 *   it answers Slack (within Slack's three seconds whatever Slack or DynamoDB are doing).
 * - `login-review-sync`: bring a review's outside world in line with the ledger: publish the
 *   escalation it owes and redraw both messages; queued again, later, until both are done.
 *
 * Why a queue of delayed messages and not a schedule: the work grows with open reviews, not with
 * time (nothing polls the ledger every minute), what cannot be handled is retried and then lands in
 * the dead-letter queue by the queue's redrive policy, and nothing needs cleaning up when a review
 * is answered early (its reminder finds it answered and sends nothing). Chosen over an EventBridge
 * Scheduler one-time schedule per review, which needs iam:PassRole, a schedule group and deleting
 * each schedule. SQS delays at most 15 minutes: a longer wait is a chain of messages, each re-sent
 * with what is left.
 */

/** The buttons' action ids (the messages draw them, the endpoint reads them). */
export const CONFIRM_ACTION = 'login_alert_confirm';
export const DISPUTE_ACTION = 'login_alert_dispute';

export interface ReminderMessage {
  readonly type: 'login-review-reminder';
  readonly alertId: string;
  /** 1 for the first reminder; `reminders + 1` is the check that escalates. */
  readonly reminder: number;
  /** When it is due, in epoch milliseconds. */
  readonly dueAt: number;
  /** How many times posting it failed already (Slack down): it is tried again later. */
  readonly attempt?: number;
}

/** A button press as Slack sent it, after the endpoint checked its signature. */
export interface ButtonPress {
  readonly answer: 'confirm' | 'dispute';
  readonly alertId: string;
  readonly userId: string;
  /** Where it was pressed: for an ephemeral answer to the presser. */
  readonly channelId?: string;
}

export interface AnswerMessage {
  readonly type: 'login-review-answer';
  readonly press: ButtonPress;
  /** When the endpoint received it (epoch ms): the answer's time, whenever it is handled. */
  readonly pressedAt: number;
}

export interface SyncMessage {
  readonly type: 'login-review-sync';
  readonly alertId: string;
  /** 1 for the first retry; the wait doubles with each. */
  readonly attempt: number;
  readonly dueAt: number;
  /** The escalation it was queued for, for the log. */
  readonly reason?: EscalationReason;
}

export type ReviewQueueMessage = ReminderMessage | AnswerMessage | SyncMessage;

export const MAX_SQS_DELAY_SECONDS = 900;
/** The longest wait between two tries of a failed step: once Slack or SNS is back, it is done within five minutes. */
export const MAX_RETRY_SECONDS = 300;

/** Sends a message, delayed until its `dueAt` (at most SQS's 15 minutes: an early one is re-sent). */
export function reviewQueueSender(client: SQSClient, queueUrl: string, now: () => number = Date.now) {
  return async (message: ReviewQueueMessage): Promise<void> => {
    const dueAt = 'dueAt' in message ? message.dueAt : now();
    const delay = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now()) / 1000)));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delay }));
  };
}

/**
 * When a step that failed (Slack or SNS unavailable) is tried again: `baseSeconds` (REVIEW_RETRY_SECONDS,
 * 30 by default), doubling with each attempt, at most 5 minutes. Never given up: a review's
 * escalation, reminders and messages are retried until they are done or moot (or the review
 * expires, 35 days).
 */
export function retryDelayMs(attempt: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_SECONDS, baseSeconds * 2 ** Math.min(Math.max(attempt - 1, 0), 10)) * 1000;
}

/**
 * A delayed message that came early (a wait longer than SQS's 15-minute delay): sent on with what
 * is left, true. False when it is due (within a second) and should be handled now.
 */
export async function sendOnIfEarly(
  message: ReminderMessage | SyncMessage, enqueue: (message: ReviewQueueMessage) => Promise<void>, now: number,
): Promise<boolean> {
  if (message.dueAt - now <= 1000) return false;
  await enqueue(message);
  return true;
}

export function parseReviewQueueMessage(body: string): ReviewQueueMessage {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  switch (parsed.type) {
    case 'login-review-reminder':
      if (text(parsed.alertId) && Number.isInteger(parsed.reminder) && typeof parsed.dueAt === 'number') return parsed as unknown as ReminderMessage;
      break;
    case 'login-review-answer': {
      const press = parsed.press as Record<string, unknown> | undefined;
      if (press && (press.answer === 'confirm' || press.answer === 'dispute') && text(press.alertId) && text(press.userId) && typeof parsed.pressedAt === 'number') {
        return parsed as unknown as AnswerMessage;
      }
      break;
    }
    case 'login-review-sync':
      if (text(parsed.alertId) && Number.isInteger(parsed.attempt) && typeof parsed.dueAt === 'number') return parsed as unknown as SyncMessage;
      break;
  }
  throw new Error(`not a login review message (${typeof parsed.type === 'string' ? parsed.type : typeof parsed.type})`);
}
