import { PUBLISHED_ITEM_TTL_SECONDS, publishedKey, type PublishedItem } from './items';

/**
 * What reached the topic, by source record: one `alert` item (items.ts) for every log line and
 * CloudTrail event that became an alert or joined one (an Instance Connect key line linked to its SSH
 * login), written after the alert was published. The reconciler (`lambda/reconcile`) re-reads the
 * same records from CloudWatch Logs and CloudTrail and alerts on any without one of these.
 */
export function publishedItems(recordIds: readonly string[], nowMs: number, by: PublishedItem['by'], version = 0): PublishedItem[] {
  const expiresAt = Math.floor(nowMs / 1000) + PUBLISHED_ITEM_TTL_SECONDS;
  return [...new Set(recordIds)].map((recordId) => ({ ...publishedKey(recordId), recordId, state: 'published', by, at: nowMs, version, expiresAt }));
}
