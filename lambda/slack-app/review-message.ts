import type { KnownBlock, MessageAttachment } from '@slack/types';
import { CONFIRM_ACTION, DISPUTE_ACTION } from './review-queue';
import type { Asked, ReviewItem } from './review-store';
import type { Alert } from '../shared/alert';
import { escapeAndFit, mention } from '../shared/slack/mrkdwn';
import { LIMITS, renderAlert, type SlackRenderOptions } from '../shared/slack/render';

/**
 * The Slack app's messages: the webhook destination's Block Kit rendering of the alert, followed by
 * the review: who was asked and the two buttons while it is open, who answered and when once it is
 * not. Pure: the same item always draws the same message, so both copies can be redrawn on an answer.
 */

export { CONFIRM_ACTION, DISPUTE_ACTION };

export interface SlackMessage {
  readonly text: string;
  readonly attachments: MessageAttachment[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

export type ReviewView = Pick<ReviewItem, 'status' | 'asked' | 'answeredBy' | 'answeredRole' | 'answeredAt' | 'remindersSent' | 'escalated'>;

/** The alert with its review, for the channel (`forPerson` false) or the person's direct message. */
export function reviewMessage(alert: Alert, review: ReviewView | undefined, options: SlackRenderOptions, forPerson = false): SlackMessage {
  const base = renderAlert(alert, forPerson ? { ...options, mentions: {} } : options);
  const [attachment] = base.attachments!;
  const blocks = [...(attachment.blocks ?? []), ...(review ? reviewBlocks(alert, review, forPerson) : [])].slice(0, LIMITS.blocks);
  const text = forPerson && review?.status === 'open' ? `Was this you? ${escapeAndFit(alert.summary, LIMITS.text - 20)}` : base.text!;
  return { text, attachments: [{ ...attachment, blocks }], unfurl_links: false, unfurl_media: false };
}

function reviewBlocks(alert: Alert, review: ReviewView, forPerson: boolean): KnownBlock[] {
  const at = review.answeredAt ? ` ${slackDate(review.answeredAt)}` : '';
  switch (review.status) {
    case 'open':
      return [
        { type: 'context', elements: [{ type: 'mrkdwn', text: forPerson ? 'This login was attributed to you. Was it you?' : askedLine(review.asked) }] },
        {
          type: 'actions',
          block_id: 'login_alert_review',
          elements: [
            { type: 'button', action_id: CONFIRM_ACTION, style: 'primary', text: { type: 'plain_text', text: 'This was me' }, value: alert.id },
            {
              type: 'button',
              action_id: DISPUTE_ACTION,
              style: 'danger',
              text: { type: 'plain_text', text: "This wasn't me" },
              value: alert.id,
              confirm: {
                title: { type: 'plain_text', text: 'Escalate this login?' },
                text: { type: 'plain_text', text: 'The security team is paged at once.' },
                confirm: { type: 'plain_text', text: "It wasn't me" },
                deny: { type: 'plain_text', text: 'Cancel' },
              },
            },
          ],
        },
      ];
    case 'confirmed':
      return [context(`:white_check_mark: Confirmed by ${mention(review.answeredBy)}${roleNote(review.answeredRole)}${at}`)];
    case 'disputed':
      return [context(`:rotating_light: Disputed by ${mention(review.answeredBy)}${roleNote(review.answeredRole)}${at}: ${escalationState(review, 'disputed')}`)];
    case 'unanswered':
      return [context(`:alarm_clock: Not confirmed after ${review.remindersSent ?? 0} reminder(s): ${escalationState(review, 'unanswered')}${at}`)];
    default:
      return [];
  }
}

/** Whether who answered was the person asked: a bystander's dispute never reads as the owner's. */
export function roleNote(role: ReviewView['answeredRole']): string {
  if (role === 'asked') return ' (the person asked)';
  if (role === 'approver') return ' (an approver)';
  if (role === 'other') return ' (not the person asked)';
  return '';
}

/** "escalated" only once the escalation is published; before, the truth. */
function escalationState(review: ReviewView, reason: 'disputed' | 'unanswered'): string {
  return review.escalated?.[reason] ? 'escalated' : 'escalating (not published yet, retrying)';
}

/** "Asked @jane to confirm", or why nobody could be: the channel sees who owes an answer. */
export function askedLine(asked: Asked | undefined): string {
  if (asked?.userId && !asked.reason) return `:bust_in_silhouette: Asked ${mention(asked.userId)} to confirm. Approvers may confirm too.`;
  if (asked?.userId) return `:bust_in_silhouette: ${mention(asked.userId)} can confirm here (no direct message: ${escapeAndFit(asked.reason!, 300)}). Approvers may confirm too.`;
  return `:warning: Nobody was asked (${escapeAndFit(asked?.reason ?? 'no person known', 300)}): an approver must confirm or dispute it.`;
}

/** A reminder in the login's thread, also shown in the channel. */
export function reminderText(reminder: number, reminders: number, asked: Asked | undefined, severityMention: string | undefined): string {
  const who = asked?.userId ? `${mention(asked.userId)} has` : 'Nobody has';
  const last = reminder === reminders ? ' Unanswered, it is escalated at the next check.' : '';
  return `${severityMention ? `${severityMention} ` : ''}:hourglass: Reminder ${reminder} of ${reminders}: ${who} not confirmed this login yet.${last}`;
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time_secs}|${iso}>` : iso;
}
