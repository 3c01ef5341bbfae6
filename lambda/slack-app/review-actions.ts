import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import type { SlackAppConfig } from './config';
import { escalationAlert } from './escalation';
import { reviewMessage } from './review-message';
import type { EscalationReason, ReviewItem, ReviewStore } from './review-store';
import { callSlack } from './slack-api';
import type { Alert } from '../shared/alert';
import type { RetryBudget } from '../shared/delivery';
import type { PipelineMetrics } from '../shared/metrics';

/** What the delivery, reminder and interaction paths share: the ledger, Slack and the topic. */
export interface ReviewDeps {
  readonly config: SlackAppConfig;
  readonly store: ReviewStore;
  readonly slack: () => Promise<WebClient>;
  /** Publishes an alert (an escalation) to the topic. */
  readonly publish: (alert: Alert) => Promise<void>;
  readonly budget: RetryBudget;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * Counts the review loop (service `slackapp`, no other dimension): `ReviewsAsked`,
   * `DirectMessagesFailed`, `RemindersSent`, `ReviewsConfirmed`, `ReviewsDisputed`,
   * `ReviewsUnanswered`, `Escalations`, `InteractionsRejected`. Flushed by the handler.
   */
  readonly metrics?: PipelineMetrics;
}

/**
 * Publishes the review's escalation for `reason` unless the ledger says it went out already. A
 * publish that failed is repeated by the next attempt (same escalation id, so never two incidents).
 */
export async function escalate(
  item: ReviewItem, reason: EscalationReason, detail: { by?: string; reminders?: number }, deps: ReviewDeps,
): Promise<boolean> {
  if (item.escalated?.[reason] || !item.alert) return false;
  const escalation = escalationAlert(JSON.parse(item.alert) as Alert, reason, detail);
  await deps.publish(escalation);
  await deps.store.markEscalated(item.alertId, reason, escalation.id);
  deps.metrics?.count('Escalations', 1);
  deps.logger.warn('login escalated', { alertId: item.alertId, escalationId: escalation.id, reason, by: detail.by });
  return true;
}

/**
 * Redraws the channel message and the direct message to show where the review now stands. Best
 * effort: the ledger already holds the answer; a message left stale is logged, not retried.
 */
export async function redraw(item: ReviewItem, deps: ReviewDeps): Promise<void> {
  if (!item.alert) return;
  const login = JSON.parse(item.alert) as Alert;
  const client = await deps.slack();
  const targets = [{ ref: item.channel, forPerson: false }, { ref: item.dm, forPerson: true }].filter((t) => t.ref !== undefined);
  await Promise.all(targets.map(async ({ ref, forPerson }) => {
    const message = reviewMessage(login, item, deps.config.render, forPerson);
    const result = await callSlack('chat.update', () => client.chat.update({ channel: ref!.id, ts: ref!.ts, ...message }), deps.budget);
    if (!result.ok) deps.logger.error('could not update a review message', { alertId: item.alertId, channel: ref!.id, reason: result.failure.reason });
  }));
}
