import type { ReviewSettings } from './config';
import type { AnswerRole } from './review-store';
import { type Alert, SEVERITIES } from '../shared/alert';

/**
 * Which alerts ask their person "was this you?": logins (never an escalation, a coverage report or a heartbeat), not held back by a
 * rule, not a repeat of one already asked, successful unless failures are asked too, and at least
 * the review severity.
 */
export function asksForReview(alert: Alert, settings: Pick<ReviewSettings, 'minSeverity' | 'failures'>): boolean {
  if (alert.kind === 'escalation' || alert.escalation !== undefined || alert.kind === 'coverage' || alert.coverage !== undefined) return false;
  if (alert.kind === 'heartbeat') return false;
  if (alert.suppressed !== undefined || alert.repeat !== undefined) return false;
  if (alert.outcome !== 'success' && !settings.failures) return false;
  return SEVERITIES.indexOf(alert.severity) >= SEVERITIES.indexOf(settings.minSeverity);
}

/**
 * Who this Slack user is to the review: the person asked, an approver (by id, or a member of the
 * approver group), or someone else. Only the first two may confirm; anyone may dispute. The
 * approver group's members are read only when neither of the others answers it.
 */
export async function answerRole(
  userId: string, askedUserId: string | undefined, approvers: readonly string[], groupMembers: () => Promise<readonly string[]>,
): Promise<AnswerRole> {
  if (userId === askedUserId) return 'asked';
  if (approvers.includes(userId) || (await groupMembers()).includes(userId)) return 'approver';
  return 'other';
}
