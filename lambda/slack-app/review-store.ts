import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKey } from '../ingest/ledger/items';
import type { Escalation } from '../shared/alert';

/**
 * Where each alert went in Slack and how its review stands, one ledger item per alert id:
 *
 *   pk `review#<sha256(alert id)>`, sk `review`
 *   status   `posting` (claimed, being posted) → `shown` (posted, no review asked) or `open`
 *            (waiting for an answer) → `confirmed`, `disputed` or `unanswered`
 *   channel  {id, ts} of the channel message (a repeat's or escalation's: its thread reply);
 *   dm       {id, ts} of the direct message; asked {userId?, name?, reason?}: who was asked, or why nobody
 *   alert    the alert as JSON, to redraw both messages and to copy into an escalation
 *   remindersSent, reminderQueued, deadlineQueued, scheduledUpTo, answeredBy, answeredRole, answeredAt
 *   escalated {reason: escalation id}: published; `<reason>ClaimedAt`: being published since (epoch ms)
 *
 * Every change is a conditional write on `status` (or `remindersSent`, or the escalation claim): a
 * double click, presses in two containers, Slack's or Lambda's retries and an SQS redelivery find
 * the item already moved and do nothing twice. An escalation is published only by whoever claimed
 * it (`claimEscalation`), and the claim is released when the publish fails, so exactly one publish
 * happens however many presses, retries and containers race. The
 * functions may read and write only `review#` items (IAM `dynamodb:LeadingKeys`). Kept 35 days.
 */

export type ReviewStatus = 'posting' | 'shown' | 'open' | 'confirmed' | 'disputed' | 'unanswered';
export type EscalationReason = 'disputed' | 'unanswered';
/** Who answered: the person asked, an approver, or someone else (who may dispute, never confirm). */
export type AnswerRole = NonNullable<Escalation['byRole']>;

export interface MessageRef {
  readonly id: string;
  readonly ts: string;
}

export interface Asked {
  /** The Slack user asked to confirm (and who may, besides the approvers). */
  readonly userId?: string;
  readonly name?: string;
  /** Why nobody was asked, or why the direct message failed. */
  readonly reason?: string;
}

export interface ReviewItem {
  readonly pk: string;
  readonly sk: 'review';
  readonly alertId: string;
  readonly status: ReviewStatus;
  readonly claimedAt: number;
  readonly alert?: string;
  readonly channel?: MessageRef;
  readonly dm?: MessageRef;
  readonly dmDone?: boolean;
  readonly asked?: Asked;
  readonly reminderQueued?: boolean;
  /** The deadline check (`reminders + 1`) is queued: it escalates an unanswered review whatever Slack does. */
  readonly deadlineQueued?: boolean;
  /** The last reminder message queued (the first is queued with the post). */
  readonly scheduledUpTo?: number;
  readonly remindersSent?: number;
  readonly answeredBy?: string;
  readonly answeredRole?: AnswerRole;
  readonly answeredAt?: string;
  readonly escalated?: Partial<Record<EscalationReason, string>>;
  readonly disputedClaimedAt?: number;
  readonly unansweredClaimedAt?: number;
  readonly expiresAt: number;
}

export const REVIEW_TTL_SECONDS = 35 * 24 * 60 * 60;

/** A claim (to post an alert, or to publish an escalation) older than this was left by an invocation that died: twice the function's timeout. */
export const STALE_CLAIM_MS = 2 * 60_000;

export function reviewKey(alertId: string): { pk: string; sk: 'review' } {
  return { pk: ledgerKey('review', alertId), sk: 'review' };
}

export class ReviewStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(private readonly tableName: string, client = new DynamoDBClient({})) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(alertId: string): Promise<ReviewItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: reviewKey(alertId), ConsistentRead: true }));
    return Item as ReviewItem | undefined;
  }

  /** Claims an alert for posting: the new item if nobody had it (the only way an alert is ever posted). */
  async claim(alertId: string, now: number): Promise<ReviewItem | undefined> {
    const item: ReviewItem = { ...reviewKey(alertId), alertId, status: 'posting', claimedAt: now, escalated: {}, expiresAt: Math.floor(now / 1000) + REVIEW_TTL_SECONDS };
    return (await this.conditional(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))) ? item : undefined;
  }

  /** Takes over a claim that an invocation which died left behind (`claimedAt` unchanged since read). */
  async reclaim(alertId: string, previousClaim: number, now: number): Promise<boolean> {
    return this.update(alertId, { claimedAt: now }, '#claimedAt = :previous', { ':previous': previousClaim });
  }

  /** Sets fields; with `whenStatus`, only if the item is in one of those states. */
  async update(alertId: string, fields: Partial<ReviewItem>, condition?: string, values: Record<string, unknown> = {}): Promise<boolean> {
    const names: Record<string, string> = {};
    const vals: Record<string, unknown> = { ...values };
    const sets = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => {
      names[`#${k}`] = k;
      vals[`:${k}`] = v;
      return `#${k} = :${k}`;
    });
    for (const match of (condition ?? '').matchAll(/#(\w+)/g)) names[`#${match[1]}`] = match[1];
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: reviewKey(alertId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition ? `attribute_exists(pk) AND (${condition})` : 'attribute_exists(pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: vals,
    }));
  }

  /** Moves the review from one of `from` to `to` with the given fields: false if it had moved already. */
  async transition(alertId: string, from: ReviewStatus[], to: ReviewStatus, fields: Partial<ReviewItem> = {}): Promise<boolean> {
    const values = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    return this.update(alertId, { ...fields, status: to }, `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`, values);
  }

  /**
   * Claims the publishing of the escalation for `reason`: true for exactly one caller while it is
   * unpublished and unclaimed. A claim older than `staleBefore` was left by an invocation that died
   * (its message comes back): it is taken over.
   */
  async claimEscalation(alertId: string, reason: EscalationReason, now: number, staleBefore: number): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: reviewKey(alertId),
      UpdateExpression: 'SET #claim = :now',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#escalated.#reason) AND (attribute_not_exists(#claim) OR #claim < :stale)',
      ExpressionAttributeNames: { '#claim': claimAttribute(reason), '#escalated': 'escalated', '#reason': reason },
      ExpressionAttributeValues: { ':now': now, ':stale': staleBefore },
    }));
  }

  /** Gives a claim back after a failed publish, so the next attempt (anyone's) may publish. */
  async releaseEscalation(alertId: string, reason: EscalationReason, claimedAt: number): Promise<void> {
    await this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: reviewKey(alertId),
      UpdateExpression: 'REMOVE #claim',
      ConditionExpression: '#claim = :mine',
      ExpressionAttributeNames: { '#claim': claimAttribute(reason) },
      ExpressionAttributeValues: { ':mine': claimedAt },
    }));
  }

  /** Records that the escalation for `reason` was published (its alert id), and ends the claim. */
  async markEscalated(alertId: string, reason: EscalationReason, escalationId: string): Promise<void> {
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: reviewKey(alertId),
      UpdateExpression: 'SET #escalated.#reason = :id REMOVE #claim',
      ExpressionAttributeNames: { '#escalated': 'escalated', '#reason': reason, '#claim': claimAttribute(reason) },
      ExpressionAttributeValues: { ':id': escalationId },
    }));
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function claimAttribute(reason: EscalationReason): 'disputedClaimedAt' | 'unansweredClaimedAt' {
  return `${reason}ClaimedAt`;
}
