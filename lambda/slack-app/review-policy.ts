import type { ReviewSettings } from './config';
import { type Alert, SEVERITIES } from '../shared/alert';

/**
 * Which alerts ask their person "was this you?": logins (never an escalation), not held back by a
 * rule, not a repeat of one already asked, successful unless failures are asked too, and at least
 * the review severity.
 */
export function asksForReview(alert: Alert, settings: Pick<ReviewSettings, 'minSeverity' | 'failures'>): boolean {
  if (alert.kind === 'escalation' || alert.escalation !== undefined) return false;
  if (alert.suppressed !== undefined || alert.repeat !== undefined) return false;
  if (alert.outcome !== 'success' && !settings.failures) return false;
  return SEVERITIES.indexOf(alert.severity) >= SEVERITIES.indexOf(settings.minSeverity);
}

/**
 * May this Slack user confirm the login: the person asked, or an approver. The approver group's
 * members are read only when neither answers it.
 */
export async function mayConfirm(
  userId: string, askedUserId: string | undefined, approvers: readonly string[], groupMembers: () => Promise<readonly string[]>,
): Promise<boolean> {
  return userId === askedUserId || approvers.includes(userId) || (await groupMembers()).includes(userId);
}
