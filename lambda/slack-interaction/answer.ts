import type { ButtonPress } from './payload';
import { mention } from '../slack/mrkdwn';
import { escalate, redraw, type ReviewDeps } from '../slack-app/review-actions';
import { mayConfirm } from '../slack-app/review-policy';
import type { ReviewItem } from '../slack-app/review-store';
import { callSlack } from '../slack-app/slack-api';

/**
 * What a button press does to a review. "This was me" from the person asked or an approver confirms
 * an open review; from anyone else it changes nothing and they are told who can. "This wasn't me"
 * from anyone disputes it (even one confirmed or gone unanswered: new information) and escalates at
 * once. Each change is a conditional write, so a double click or a retried request finds the review
 * moved and escalates nothing twice; a dispute whose publish failed publishes on the next press.
 */

export type AnswerResult = 'confirmed' | 'disputed' | 'not-allowed' | 'already-answered' | 'not-under-review' | 'escalation-republished';

export interface AnswerDeps extends ReviewDeps {
  /** The members of the approver user group (SLACK_APPROVER_GROUP), cached; empty without one. */
  readonly approverGroupMembers: () => Promise<string[]>;
}

export async function answer(press: ButtonPress, deps: AnswerDeps): Promise<AnswerResult> {
  const item = await deps.store.get(press.alertId);
  if (!item?.alert || item.status === 'posting' || item.status === 'shown') {
    await tell(press, 'This login is not awaiting a review (it may have expired).', deps);
    return 'not-under-review';
  }
  const at = new Date(deps.now()).toISOString();
  return press.answer === 'confirm' ? confirm(press, item, at, deps) : dispute(press, item, at, deps);
}

async function confirm(press: ButtonPress, item: ReviewItem, at: string, deps: AnswerDeps): Promise<AnswerResult> {
  if (item.status !== 'open') {
    await tell(press, already(item), deps);
    return 'already-answered';
  }
  if (!(await mayConfirm(press.userId, item.asked?.userId, deps.config.review.approvers, deps.approverGroupMembers))) {
    const who = item.asked?.userId ? `${mention(item.asked.userId)}` : 'the person it is attributed to';
    await tell(press, `Only ${who} or the approvers can confirm this login. If it was not them, press "This wasn't me".`, deps);
    return 'not-allowed';
  }
  const answered = { answeredBy: press.userId, answeredAt: at };
  if (!(await deps.store.transition(item.alertId, ['open'], 'confirmed', answered))) {
    await tell(press, already((await deps.store.get(item.alertId)) ?? item), deps);
    return 'already-answered';
  }
  deps.metrics?.count('ReviewsConfirmed', 1);
  await redraw({ ...item, ...answered, status: 'confirmed' }, deps);
  deps.logger.info('login confirmed', { alertId: item.alertId, by: press.userId });
  return 'confirmed';
}

async function dispute(press: ButtonPress, item: ReviewItem, at: string, deps: AnswerDeps): Promise<AnswerResult> {
  const answered = { answeredBy: press.userId, answeredAt: at };
  if (item.status === 'disputed' || !(await deps.store.transition(item.alertId, ['open', 'confirmed', 'unanswered'], 'disputed', answered))) {
    const current = item.status === 'disputed' ? item : await deps.store.get(item.alertId);
    if (current?.status === 'disputed' && await escalate(current, 'disputed', { by: current.answeredBy }, deps)) return 'escalation-republished';
    await tell(press, already(current ?? item), deps);
    return 'already-answered';
  }
  deps.metrics?.count('ReviewsDisputed', 1);
  const disputed: ReviewItem = { ...item, ...answered, status: 'disputed' };
  await escalate(disputed, 'disputed', { by: press.userId }, deps);
  await redraw(disputed, deps);
  return 'disputed';
}

function already(item: ReviewItem): string {
  if (item.status === 'unanswered') return 'This login was already escalated: nobody confirmed it in time.';
  if (item.status === 'disputed') return `${mention(item.answeredBy)} already said this was not them; it is escalated.`;
  return `This login was already ${item.status} by ${mention(item.answeredBy)}.`;
}

/** An ephemeral message to the presser alone; best effort (the review itself is in the ledger). */
async function tell(press: ButtonPress, text: string, deps: AnswerDeps): Promise<void> {
  if (!press.channelId) return;
  const client = await deps.slack();
  const sent = await callSlack('chat.postEphemeral', () => client.chat.postEphemeral({ channel: press.channelId!, user: press.userId, text }), deps.budget);
  if (!sent.ok) deps.logger.warn('could not answer the presser', { alertId: press.alertId, reason: sent.failure.reason });
}
