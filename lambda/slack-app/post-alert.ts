import type { ChatPostMessageArguments } from '@slack/web-api';
import { settleReview, type ReviewDeps } from './review-actions';
import { reviewMessage } from './review-message';
import { asksForReview } from './review-policy';
import { type Asked, type MessageRef, type ReviewItem, STALE_CLAIM_MS } from './review-store';
import { callSlack } from './slack-api';
import { isSlackUserId } from '../../src/contract/slack-ids';
import type { Alert } from '../shared/alert';
import type { DeliveryOutcome } from '../shared/delivery';

/**
 * Posts one alert: to the channel (a repeat or an escalation as a reply in its login's thread), and,
 * when it asks for review, to its person as a direct message, then queues the first reminder.
 *
 * Every step is recorded in the ledger before the next, and the alert is claimed before anything
 * is posted: a retry (Lambda's, or a second delivery of the same notification) resumes where the
 * last attempt stopped and never posts the same alert id twice. The one gap: an invocation that dies
 * between Slack's answer and the ledger write leaves a claim without a message; after two minutes
 * (twice the function's timeout) a retry takes the claim over and posts again.
 */

export type PostDeps = ReviewDeps;

export async function postAlert(alert: Alert, deps: PostDeps): Promise<DeliveryOutcome> {
  const { store } = deps;
  const claimed = await claim(alert.id, deps);
  if ('outcome' in claimed) return claimed.outcome;
  let item = claimed.item;

  if (!item.channel) {
    const review = asksForReview(alert, deps.config.review);
    const asked = review ? await whoToAsk(alert, deps) : undefined;
    const parent = await threadParent(alert, deps);
    const message = reviewMessage(alert, review ? { status: 'open', asked } : undefined, deps.config.render);
    const client = await deps.slack();
    const args = {
      channel: deps.config.channel,
      ...message,
      ...(parent && { thread_ts: parent.ts, reply_broadcast: alert.kind === 'escalation' }),
      // The alert id rides on the message, for anyone reading the channel through the API.
      metadata: { event_type: 'login_alert', event_payload: { alert_id: alert.id } },
    } as ChatPostMessageArguments;
    const posted = await callSlack('chat.postMessage', () => client.chat.postMessage(args), deps.budget);
    if (!posted.ok) {
      // Nothing was posted: let the next attempt claim it at once.
      await store.update(alert.id, { claimedAt: 0 }, '#status = :posting', { ':posting': 'posting' });
      return posted.failure;
    }
    const channel: MessageRef = { id: posted.value.channel ?? deps.config.channel, ts: posted.value.ts! };
    const fields: Partial<ReviewItem> = { status: review ? 'open' : 'shown', channel, ...(review && { asked, alert: JSON.stringify(alert), remindersSent: 0 }) };
    await store.update(alert.id, fields);
    if (review) deps.metrics?.count('ReviewsAsked', 1);
    item = { ...item, ...fields };
  }
  if (item.status !== 'open') return { kind: 'delivered' };

  if (!item.dmDone) item = await directMessage(alert, item, deps);
  if (!item.reminderQueued) {
    // Reminder 1 and the deadline check, queued together: escalating an unanswered review never
    // waits on a reminder being posted (Slack may be down then).
    const { reminders, reminderWaitSeconds } = deps.config.review;
    const openedAt = deps.now();
    const dueAt = (n: number) => openedAt + n * reminderWaitSeconds * 1000;
    if (reminders > 0) await deps.enqueue({ type: 'login-review-reminder', alertId: alert.id, reminder: 1, dueAt: dueAt(1) });
    await deps.enqueue({ type: 'login-review-reminder', alertId: alert.id, reminder: reminders + 1, dueAt: dueAt(reminders + 1) });
    await store.update(alert.id, { reminderQueued: true, deadlineQueued: true });
  }
  return { kind: 'delivered' };
}

type Claim = { item: ReviewItem } | { outcome: DeliveryOutcome };

async function claim(alertId: string, deps: PostDeps): Promise<Claim> {
  const now = deps.now();
  const fresh = await deps.store.claim(alertId, now);
  if (fresh) return { item: fresh };
  const item = (await deps.store.get(alertId))!;
  if (item.status !== 'posting' || item.channel) return { item };
  // Another invocation holds it: it is posting right now, or it died and its claim has gone stale.
  if (now - item.claimedAt < STALE_CLAIM_MS || !(await deps.store.reclaim(alertId, item.claimedAt, now))) {
    return { outcome: { kind: 'transient', reason: `alert ${alertId} is being posted by another invocation` } };
  }
  return { item: { ...item, claimedAt: now } };
}

/** The attributed person's Slack user: given by the people directory, else found by email. */
async function whoToAsk(alert: Alert, deps: PostDeps): Promise<Asked> {
  const actor = alert.actor;
  const dmsOff = deps.config.review.directMessages ? {} : { reason: 'direct messages are off' };
  // Validated when the directory was read; checked again here because it becomes a DM's channel.
  if (actor?.slackUserId && isSlackUserId(actor.slackUserId)) return { userId: actor.slackUserId, name: actor.name, ...dmsOff };
  if (actor?.email) {
    const client = await deps.slack();
    const found = await callSlack('users.lookupByEmail', () => client.users.lookupByEmail({ email: actor.email! }), deps.budget);
    if (found.ok && found.value.user?.id) return { userId: found.value.user.id, name: actor.name, ...dmsOff };
    const reason = !found.ok && found.error === 'users_not_found' ? `no Slack user has the email ${actor.email}` : `looking up ${actor.email} failed (${found.ok ? 'no user' : found.error})`;
    return { name: actor.name, reason };
  }
  return { name: actor?.name, reason: actor ? `${actor.name} has no Slack user id or email in the people directory` : 'the login is not attributed to a person' };
}

/** A repeat goes under its first login's message, an escalation under the login it escalates. */
async function threadParent(alert: Alert, deps: PostDeps): Promise<MessageRef | undefined> {
  const parentId = alert.escalation?.loginAlertId ?? alert.repeat?.of;
  return parentId === undefined ? undefined : (await deps.store.get(parentId))?.channel;
}

/**
 * The direct message to the person asked. Whatever stops it (no person, `user_not_found`, DMs
 * blocked, a rate limit past the budget) only changes the channel message's "asked" line.
 */
async function directMessage(alert: Alert, item: ReviewItem, deps: PostDeps): Promise<ReviewItem> {
  const asked = item.asked;
  if (!asked?.userId || asked.reason) {
    await deps.store.update(alert.id, { dmDone: true });
    return { ...item, dmDone: true };
  }
  const client = await deps.slack();
  const message = reviewMessage(alert, { status: 'open', asked }, deps.config.render, true);
  const sent = await callSlack('chat.postMessage', () => client.chat.postMessage({ channel: asked.userId!, ...message }), deps.budget);
  if (sent.ok) {
    const dm = { id: sent.value.channel ?? asked.userId!, ts: sent.value.ts! };
    await deps.store.update(alert.id, { dm, dmDone: true });
    return { ...item, dm, dmDone: true };
  }
  const failed: Asked = { ...asked, reason: `the direct message failed: ${sent.error}` };
  deps.logger.warn('direct message failed; the channel message says so', { alertId: alert.id, reason: sent.failure.reason });
  deps.metrics?.count('DirectMessagesFailed', 1);
  await deps.store.update(alert.id, { asked: failed, dmDone: true });
  const updated = { ...item, asked: failed, dmDone: true };
  // The channel message (the only one: no DM) now says who could not be asked, and why.
  await settleReview(alert.id, deps);
  return updated;
}
