import { owedEscalation, settleReview, type ReviewDeps } from './review-actions';
import { reminderText } from './review-message';
import { retryDelayMs, sendOnIfEarly, type ReminderMessage } from './review-queue';
import type { ReviewItem } from './review-store';
import { callSlack } from './slack-api';
import type { Alert } from '../shared/alert';

/**
 * One due reminder of one review. While the review is open, reminders 1…N are thread replies shown
 * in the channel too, with the mention for the login's severity; the deadline check (`N + 1`,
 * queued when the review opened) marks it `unanswered` and escalates. A review answered meanwhile
 * gets nothing.
 *
 * Slack being down never stops the loop: the next reminder is queued before this one is posted, a
 * reminder Slack cannot take is queued again later (never failed back to SQS, whose redrive would
 * end the chain in the dead-letter queue), and the escalation goes to SNS, not Slack. Each reminder
 * is claimed in the ledger (`remindersSent`) before it is posted, so a redelivered message never
 * repeats one.
 */

export type ReminderResult = 'not-due' | 'answered' | 'reminded' | 'already-reminded' | 'retrying' | 'escalated' | 'unknown';

export interface ReminderDeps extends ReviewDeps {
  /** Records a reminder Slack refused for good (the escalation still follows). */
  readonly deadLetter: (reason: string, record: unknown) => Promise<void>;
}

export async function handleReminder(message: ReminderMessage, deps: ReminderDeps): Promise<ReminderResult> {
  if (await sendOnIfEarly(message, deps.enqueue, deps.now())) return 'not-due';
  const item = await deps.store.get(message.alertId);
  if (!item) return 'unknown';
  if (message.reminder > deps.config.review.reminders) return deadline(message, item, deps);
  if (item.status !== 'open') return 'answered';
  await queueNext(message, item, deps);
  return remind(message, item, deps);
}

/** Queues the next step of the chain once, whatever happens to this reminder's post. */
async function queueNext(message: ReminderMessage, item: ReviewItem, deps: ReminderDeps): Promise<void> {
  const { reminders, reminderWaitSeconds } = deps.config.review;
  const next = message.reminder + 1;
  // The deadline is queued with reminder 1; a review opened by an earlier version chains it here.
  if ((item.scheduledUpTo ?? 1) >= next || (next > reminders && item.deadlineQueued)) return;
  await deps.enqueue({ type: 'login-review-reminder', alertId: item.alertId, reminder: next, dueAt: message.dueAt + reminderWaitSeconds * 1000 });
  await deps.store.update(item.alertId, { scheduledUpTo: next });
}

async function remind(message: ReminderMessage, item: ReviewItem, deps: ReminderDeps): Promise<ReminderResult> {
  const sent = item.remindersSent ?? 0;
  const mine = sent < message.reminder
    && await deps.store.update(item.alertId, { remindersSent: message.reminder }, '#status = :open AND #remindersSent < :n', { ':open': 'open', ':n': message.reminder });
  if (!mine) return 'already-reminded';

  const login = JSON.parse(item.alert!) as Alert;
  const client = await deps.slack();
  const text = reminderText(message.reminder, deps.config.review.reminders, item.asked, deps.config.render.mentions[login.severity]);
  const posted = await callSlack('chat.postMessage', () => client.chat.postMessage({
    channel: item.channel!.id, thread_ts: item.channel!.ts, reply_broadcast: true, text,
  }), deps.budget);
  if (posted.ok) {
    deps.metrics?.count('RemindersSent', 1);
    return 'reminded';
  }
  if (posted.failure.kind === 'permanent') {
    deps.logger.error('Slack refused a reminder, sent to the dead-letter queue; the review still escalates', { alertId: item.alertId, reason: posted.failure.reason });
    await deps.deadLetter(posted.failure.reason, message);
    return 'reminded';
  }
  // Give the reminder back and try it again later: posted once Slack is back, if still open then.
  await deps.store.update(item.alertId, { remindersSent: sent }, '#remindersSent = :n', { ':n': message.reminder });
  const attempt = (message.attempt ?? 0) + 1;
  await deps.enqueue({ ...message, attempt, dueAt: deps.now() + retryDelayMs(attempt, deps.config.review.retrySeconds) });
  deps.metrics?.count('RemindersFailed', 1);
  deps.logger.warn('reminder not posted, queued again', { alertId: item.alertId, reminder: message.reminder, attempt, reason: posted.failure.reason });
  return 'retrying';
}

/** After the last reminder's wait: nobody answered, so it is `unanswered` and escalates (SNS, not Slack). */
async function deadline(message: ReminderMessage, item: ReviewItem, deps: ReminderDeps): Promise<ReminderResult> {
  if (item.status === 'open') {
    if (await deps.store.transition(item.alertId, ['open'], 'unanswered', { answeredAt: new Date(deps.now()).toISOString() })) {
      deps.metrics?.count('ReviewsUnanswered', 1);
    }
  } else if (item.status !== 'unanswered') {
    return 'answered';
  } else if (!owedEscalation(item)) {
    // A redelivered deadline: escalated and drawn already (a failed redraw has its own retry queued).
    return 'escalated';
  }
  // Also publishes an escalation an earlier attempt claimed but could not publish.
  await settleReview(message.alertId, deps);
  const after = await deps.store.get(message.alertId);
  return after?.status === 'unanswered' ? 'escalated' : 'answered';
}
