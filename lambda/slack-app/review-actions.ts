import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import type { SlackAppConfig } from './config';
import { escalationAlert } from './escalation';
import { reviewMessage } from './review-message';
import { retryDelayMs, type ReviewQueueMessage } from './review-queue';
import { type EscalationReason, type ReviewItem, type ReviewStore, STALE_CLAIM_MS } from './review-store';
import { callSlack } from './slack-api';
import { ESCALATION_FAILED_LOG } from '../../src/contract/log-lines';
import type { Alert } from '../shared/alert';
import type { RetryBudget } from '../shared/delivery';
import type { PipelineMetrics } from '../shared/metrics';

/** What the delivery, reminder and answer paths share: the ledger, Slack, the topic and the review queue. */
export interface ReviewDeps {
  readonly config: SlackAppConfig;
  readonly store: ReviewStore;
  readonly slack: () => Promise<WebClient>;
  /** Publishes an alert (an escalation) to the topic. */
  readonly publish: (alert: Alert) => Promise<void>;
  /** Sends a message to the review queue (REMINDER_QUEUE_URL), delayed until it is due. */
  readonly enqueue: (message: ReviewQueueMessage) => Promise<void>;
  readonly budget: RetryBudget;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * Counts the review loop (service `slackapp`, no other dimension): `ReviewsAsked`,
   * `DirectMessagesFailed`, `RemindersSent`, `RemindersFailed`, `ReviewsConfirmed`,
   * `ReviewsDisputed`, `ReviewsUnanswered`, `Escalations`, `EscalationsFailed`,
   * `InteractionsRejected`. Flushed by the handler.
   */
  readonly metrics?: PipelineMetrics;
}

/** What `escalate` did: published it now, found it published, found someone else publishing it, or failed. */
export type EscalationOutcome = 'published' | 'already' | 'in-progress' | 'failed';

/**
 * Publishes the review's escalation for `reason` if nobody has, and only after claiming it in the
 * ledger: however many presses, reminders and retries race in however many containers, one of
 * them publishes. A failed publish gives the claim back (the caller queues a retry). Who and why
 * come from the ledger (the first to dispute), never from the press that happens to publish.
 */
export async function escalate(item: ReviewItem, reason: EscalationReason, deps: ReviewDeps): Promise<EscalationOutcome> {
  if (item.escalated?.[reason] || !item.alert) return 'already';
  const now = deps.now();
  if (!(await deps.store.claimEscalation(item.alertId, reason, now, now - STALE_CLAIM_MS))) {
    return (await deps.store.get(item.alertId))?.escalated?.[reason] ? 'already' : 'in-progress';
  }
  const escalation = escalationAlert(JSON.parse(item.alert) as Alert, reason, {
    by: item.answeredBy, byRole: item.answeredRole, reminders: item.remindersSent,
  });
  try {
    await deps.publish(escalation);
  } catch (error) {
    await deps.store.releaseEscalation(item.alertId, reason, now);
    deps.metrics?.count('EscalationsFailed', 1);
    deps.logger.error(ESCALATION_FAILED_LOG, { alertId: item.alertId, escalationId: escalation.id, reason, error: (error as Error).message });
    return 'failed';
  }
  await deps.store.markEscalated(item.alertId, reason, escalation.id);
  deps.metrics?.count('Escalations', 1);
  deps.logger.warn('login escalated', { alertId: item.alertId, escalationId: escalation.id, reason, by: item.answeredBy, byRole: item.answeredRole });
  return 'published';
}

/** The escalation a review owes: disputed or unanswered, and not published yet. */
export function owedEscalation(item: ReviewItem): EscalationReason | undefined {
  if ((item.status === 'disputed' || item.status === 'unanswered') && !item.escalated?.[item.status]) return item.status;
  return undefined;
}

/**
 * Brings a review's outside world in line with the ledger: publishes the escalation it owes, then
 * redraws both messages from what the ledger now says. What did not work (SNS refused, Slack down,
 * another container still publishing) is tried again by a `login-review-sync` message, later and
 * later, until both are done: an escalation is never lost in an outage, and the messages end up
 * showing the true state.
 */
export async function settleReview(alertId: string, deps: ReviewDeps, attempt = 0): Promise<'settled' | 'retrying'> {
  let item = await deps.store.get(alertId);
  if (!item?.alert) return 'settled';
  const owed = owedEscalation(item);
  let done = true;
  if (owed) {
    const outcome = await escalate(item, owed, deps);
    done = outcome === 'published' || outcome === 'already';
    // Draw what is true now: the claim's winner has marked it, or not.
    item = (await deps.store.get(alertId)) ?? item;
  }
  if (!(await redraw(item, deps))) done = false;
  if (done) return 'settled';
  const next = attempt + 1;
  await deps.enqueue({ type: 'login-review-sync', alertId, attempt: next, dueAt: deps.now() + retryDelayMs(next, deps.config.review.retrySeconds), ...(owed && { reason: owed }) });
  return 'retrying';
}

/**
 * Redraws the channel message and the direct message to show where the review now stands. False
 * when Slack could not take an update now (the caller tries again later); a message Slack refuses
 * for good (deleted, channel archived) is logged and counts as done.
 */
export async function redraw(item: ReviewItem, deps: ReviewDeps): Promise<boolean> {
  if (!item.alert) return true;
  const login = JSON.parse(item.alert) as Alert;
  const client = await deps.slack();
  const targets = [{ ref: item.channel, forPerson: false }, { ref: item.dm, forPerson: true }].filter((t) => t.ref !== undefined);
  const results = await Promise.all(targets.map(async ({ ref, forPerson }) => {
    const message = reviewMessage(login, item, deps.config.render, forPerson);
    const result = await callSlack('chat.update', () => client.chat.update({ channel: ref!.id, ts: ref!.ts, ...message }), deps.budget);
    if (result.ok) return true;
    deps.logger.error('could not update a review message', { alertId: item.alertId, channel: ref!.id, reason: result.failure.reason });
    return result.failure.kind === 'permanent';
  }));
  return results.every(Boolean);
}
