import { ledgerKey } from './ledger-key';

/**
 * What reached the topic, by source record: one ledger item for every log line and CloudTrail event
 * that became an alert or joined one (an Instance Connect key line linked to its SSH login), written
 * after the alert was published. The reconciler (`lambda/reconcile`) re-reads the same records from
 * CloudWatch Logs and CloudTrail and alerts on any without one of these.
 *
 *   pk `alert#…` (the record id: CloudWatch Logs event id or CloudTrail eventID), sk `alert` –
 *   state `published` (by ingest or reconcile, at), or `recovering` while a reconciliation run that
 *   claimed it publishes it (`leaseUntil`, `version`: a claim is a conditional write, so two runs
 *   never both publish a record). Kept 35 days: longer than any reconciliation window reaches back.
 */

export const PUBLISHED_ITEM_TTL_SECONDS = 35 * 24 * 60 * 60;

export interface PublishedItem {
  readonly pk: string;
  readonly sk: 'alert';
  /** The record's own id, for whoever reads the table (the key is a hash of it). */
  readonly recordId: string;
  readonly state: 'published' | 'recovering';
  readonly by: 'ingest' | 'reconcile';
  readonly at: number;
  /** While `recovering`: when the claim lapses, so that a run that died does not hold it forever. */
  readonly leaseUntil?: number;
  readonly version: number;
  readonly expiresAt: number;
}

export function publishedKey(recordId: string): { pk: string; sk: 'alert' } {
  return { pk: ledgerKey('alert', recordId), sk: 'alert' };
}

export function publishedItems(recordIds: readonly string[], nowMs: number, by: PublishedItem['by'], version = 0): PublishedItem[] {
  const expiresAt = Math.floor(nowMs / 1000) + PUBLISHED_ITEM_TTL_SECONDS;
  return [...new Set(recordIds)].map((recordId) => ({ ...publishedKey(recordId), recordId, state: 'published', by, at: nowMs, version, expiresAt }));
}
