import type { PostDeps } from './post-alert';
import type { ReminderMessage } from './reminder-queue';
import { escalate, redraw } from './review-actions';
import { reminderText } from './review-message';
import type { ReviewItem } from './review-store';
import { callSlack } from './slack-api';
import type { Alert } from '../shared/alert';

/**
 * One due reminder of one review. While the review is open: reminders 1…N are thread replies shown
 * in the channel too, with the mention for the login's severity; the check after the last one marks
 * it `unanswered` and escalates. A review answered meanwhile gets nothing. Each reminder is claimed
 * in the ledger (`remindersSent`) before it is posted, so a redelivered message never repeats one.
 */

export type ReminderResult = 'not-due' | 'answered' | 'reminded' | 'escalated' | 'unknown';

export interface ReminderDeps extends PostDeps {
  readonly scheduleReminder: (message: ReminderMessage) => Promise<void>;
  /** Records a reminder Slack refused for good (the escalation still follows). */
  readonly deadLetter: (reason: string, record: unknown) => Promise<void>;
}

export async function handleReminder(message: ReminderMessage, deps: ReminderDeps): Promise<ReminderResult> {
  const now = deps.now();
  const { reminders, reminderWaitSeconds } = deps.config.review;
  // A wait longer than SQS's 15-minute delay arrives early: send it on with what is left.
  if (message.dueAt - now > 1000) {
    await deps.scheduleReminder(message);
    return 'not-due';
  }
  const item = await deps.store.get(message.alertId);
  if (!item) return 'unknown';
  if (item.status === 'unanswered') {
    // Escalated by an earlier attempt whose publish failed: publish it now (same id).
    await escalate(item, 'unanswered', { reminders: item.remindersSent }, deps);
    return 'escalated';
  }
  if (item.status !== 'open') return 'answered';

  if (message.reminder <= reminders) {
    const sent = item.remindersSent ?? 0;
    const mine = sent < message.reminder
      && await deps.store.update(message.alertId, { remindersSent: message.reminder }, '#status = :open AND #remindersSent < :n', { ':open': 'open', ':n': message.reminder });
    if (mine) await postReminder(item, message, sent, deps);
    // A redelivered message does not start a second chain; one whose scheduling failed does resume it.
    if (mine || (item.scheduledUpTo ?? 1) <= message.reminder) {
      await deps.scheduleReminder({ ...message, reminder: message.reminder + 1, dueAt: now + reminderWaitSeconds * 1000 });
      await deps.store.update(message.alertId, { scheduledUpTo: message.reminder + 1 });
    }
    return 'reminded';
  }

  const answeredAt = new Date(now).toISOString();
  if (!(await deps.store.transition(message.alertId, ['open'], 'unanswered', { answeredAt }))) {
    const current = await deps.store.get(message.alertId);
    if (current?.status !== 'unanswered') return 'answered';
    await escalate(current, 'unanswered', { reminders: current.remindersSent }, deps);
    return 'escalated';
  }
  deps.metrics?.count('ReviewsUnanswered', 1);
  const unanswered: ReviewItem = { ...item, status: 'unanswered', answeredAt };
  await escalate(unanswered, 'unanswered', { reminders: item.remindersSent }, deps);
  await redraw(unanswered, deps);
  return 'escalated';
}

async function postReminder(item: ReviewItem, message: ReminderMessage, sentBefore: number, deps: ReminderDeps): Promise<void> {
  const login = JSON.parse(item.alert!) as Alert;
  const client = await deps.slack();
  const text = reminderText(message.reminder, deps.config.review.reminders, item.asked, deps.config.render.mentions[login.severity]);
  const posted = await callSlack('chat.postMessage', () => client.chat.postMessage({
    channel: item.channel!.id, thread_ts: item.channel!.ts, reply_broadcast: true, text,
  }), deps.budget);
  if (posted.ok) {
    deps.metrics?.count('RemindersSent', 1);
    return;
  }
  if (posted.failure.kind === 'permanent') {
    deps.logger.error('Slack refused a reminder, sent to the dead-letter queue; the review still escalates', { alertId: item.alertId, reason: posted.failure.reason });
    await deps.deadLetter(posted.failure.reason, message);
    return;
  }
  // Give the reminder back, so the queue's retry of this message posts it.
  await deps.store.update(item.alertId, { remindersSent: sentBefore }, '#remindersSent = :n', { ':n': message.reminder });
  throw new Error(`reminder not posted, will be retried: ${posted.failure.reason}`);
}
