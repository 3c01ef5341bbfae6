import { owedEscalation, settleReview, type ReviewDeps } from './review-actions';
import { roleNote } from './review-message';
import { answerRole } from './review-policy';
import type { AnswerMessage, ButtonPress } from './review-queue';
import type { ReviewItem } from './review-store';
import { callSlack } from './slack-api';
import { mention } from '../shared/slack/mrkdwn';

/**
 * What a button press does to a review, once the endpoint has queued it. "This was me" from the
 * person asked or an approver confirms an open review; from anyone else it changes nothing and
 * they are told who can. "This wasn't me" from anyone disputes it (even one confirmed or gone
 * unanswered: new information) and escalates it. Each change is a conditional write, so a double
 * click, a press in the other message or a redelivered message finds the review moved; the
 * escalation is published by whoever claims it (`escalate`), retried until it is published, and
 * nobody is told "escalated" before it is.
 */

export type AnswerResult = 'confirmed' | 'disputed' | 'not-allowed' | 'already-answered' | 'not-under-review';

export interface AnswerDeps extends ReviewDeps {
  /** The members of the approver user group (SLACK_APPROVER_GROUP), cached; empty without one. */
  readonly approverGroupMembers: () => Promise<string[]>;
}

export async function answer(message: AnswerMessage, deps: AnswerDeps): Promise<AnswerResult> {
  const { press } = message;
  const item = await deps.store.get(press.alertId);
  if (!item?.alert || item.status === 'posting' || item.status === 'shown') {
    await tell(press, 'This login is not awaiting a review (it may have expired).', deps);
    return 'not-under-review';
  }
  const { review } = deps.config;
  const role = await answerRole(press.userId, item.asked?.userId, review.approvers, deps.approverGroupMembers);
  const answered: Partial<ReviewItem> = { answeredBy: press.userId, answeredRole: role, answeredAt: new Date(message.pressedAt).toISOString() };
  return press.answer === 'confirm' ? confirm(press, item, answered, deps) : dispute(press, item, answered, deps);
}

async function confirm(press: ButtonPress, item: ReviewItem, answered: Partial<ReviewItem>, deps: AnswerDeps): Promise<AnswerResult> {
  if (item.status !== 'open') {
    await tell(press, already(item), deps);
    return 'already-answered';
  }
  if (answered.answeredRole === 'other') {
    const who = item.asked?.userId ? mention(item.asked.userId) : 'the person it is attributed to';
    await tell(press, `Only ${who} or the approvers can confirm this login. If it was not them, press "This wasn't me".`, deps);
    return 'not-allowed';
  }
  if (!(await deps.store.transition(item.alertId, ['open'], 'confirmed', answered))) {
    await tell(press, already((await deps.store.get(item.alertId)) ?? item), deps);
    return 'already-answered';
  }
  deps.metrics?.count('ReviewsConfirmed', 1);
  deps.logger.info('login confirmed', { alertId: item.alertId, by: press.userId, role: answered.answeredRole });
  await settleReview(item.alertId, deps);
  return 'confirmed';
}

async function dispute(press: ButtonPress, item: ReviewItem, answered: Partial<ReviewItem>, deps: AnswerDeps): Promise<AnswerResult> {
  const won = item.status !== 'disputed' && (await deps.store.transition(item.alertId, ['open', 'confirmed', 'unanswered'], 'disputed', answered));
  if (won) {
    deps.metrics?.count('ReviewsDisputed', 1);
    deps.logger.warn('login disputed', { alertId: item.alertId, by: press.userId, role: answered.answeredRole });
  }
  // The winner publishes; a loser publishes one whose publish failed (or finds it being published).
  if (won || owedEscalation(item)) await settleReview(item.alertId, deps);
  if (won) return 'disputed';
  await tell(press, already((await deps.store.get(item.alertId)) ?? item), deps);
  return 'already-answered';
}

function already(item: ReviewItem): string {
  const escalated = (reason: 'disputed' | 'unanswered') => item.escalated?.[reason] ? 'it is escalated' : 'its escalation is being published';
  if (item.status === 'unanswered') return `Nobody confirmed this login in time; ${escalated('unanswered')}.`;
  if (item.status === 'disputed') return `${mention(item.answeredBy)}${roleNote(item.answeredRole)} already said this was not them; ${escalated('disputed')}.`;
  return `This login was already ${item.status} by ${mention(item.answeredBy)}${roleNote(item.answeredRole)}.`;
}

/** An ephemeral message to the presser alone; best effort (the review itself is in the ledger). */
async function tell(press: ButtonPress, text: string, deps: AnswerDeps): Promise<void> {
  if (!press.channelId) return;
  const client = await deps.slack();
  const sent = await callSlack('chat.postEphemeral', () => client.chat.postEphemeral({ channel: press.channelId!, user: press.userId, text }), deps.budget);
  if (!sent.ok) deps.logger.warn('could not answer the presser', { alertId: press.alertId, reason: sent.failure.reason });
}
