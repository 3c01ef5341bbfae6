import { PUBLISHED_ITEM_TTL_SECONDS, publishedKey, type PublishedItem } from '../ingest/ledger/items';
import type { Ledger } from '../ingest/ledger/table';

/**
 * Which of a page's records no alert was published for, and the right to publish them. A record is
 * alerted when the ledger holds its `published` item; it is being recovered by another run while
 * that run's claim (`recovering`, `leaseUntil`) holds. A claim is a conditional write (absent, or
 * at the version read), so of two overlapping runs exactly one publishes each missing record; a
 * claim that lapsed (its run died) is taken over the same way.
 */

const CLAIM_ATTEMPTS = 5;

export interface ClaimResult {
  /** Records this run claimed: it must publish them, or release them. */
  readonly claimed: Map<string, PublishedItem>;
  /** Records the ledger already had an alert for. */
  readonly alerted: number;
  /** Records another run holds a live claim on. */
  readonly heldElsewhere: number;
}

export async function claimMissing(ledger: Ledger, recordIds: readonly string[], nowMs: number, leaseUntil: number): Promise<ClaimResult> {
  const claimed = new Map<string, PublishedItem>();
  let alerted = 0;
  let heldElsewhere = 0;
  let todo = [...new Set(recordIds)];
  for (let attempt = 1; todo.length > 0 && attempt <= CLAIM_ATTEMPTS; attempt++) {
    const found = await ledger.get(todo.map(publishedKey));
    const writes = [];
    for (const id of todo) {
      const item = found.get(publishedKey(id).pk);
      const current = item?.sk === 'alert' ? item : undefined;
      if (current?.state === 'published') { alerted++; continue; }
      if (current?.state === 'recovering' && (current.leaseUntil ?? 0) > nowMs) { heldElsewhere++; continue; }
      const version = (current?.version ?? 0) + 1;
      writes.push({
        item: {
          ...publishedKey(id),
          recordId: id,
          state: 'recovering' as const,
          by: 'reconcile' as const,
          at: nowMs,
          leaseUntil,
          version,
          expiresAt: Math.floor(nowMs / 1000) + PUBLISHED_ITEM_TTL_SECONDS,
        },
        expectedVersion: current?.version,
      });
    }
    const stale = new Set(writes.length > 0 ? await ledger.putIfUnchanged(writes) : []);
    for (const { item } of writes) if (!stale.has(item.pk)) claimed.set(item.recordId, item);
    // A transaction with one contested item writes none of its items: read those again and retry.
    todo = writes.filter((w) => stale.has(w.item.pk)).map((w) => w.item.recordId);
  }
  if (todo.length > 0) throw new Error(`claims on ${todo.length} records kept changing under ${CLAIM_ATTEMPTS} attempts`);
  return { claimed, alerted, heldElsewhere };
}

/** Gives claims back (a publish failed): the next run takes them over at once instead of after the lease. */
export async function releaseClaims(ledger: Ledger, claims: Iterable<PublishedItem>): Promise<void> {
  const writes = [...claims].map((item) => ({ item: { ...item, leaseUntil: 0, version: item.version + 1 }, expectedVersion: item.version }));
  if (writes.length > 0) await ledger.putIfUnchanged(writes);
}
