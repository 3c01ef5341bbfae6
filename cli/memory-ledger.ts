import type { LedgerItem } from '../lambda/ingest/ledger/items';
import type { ConditionalWrite, Ledger } from '../lambda/ingest/ledger/table';

/** The login ledger in memory, for `replay`: the files given are linked to each other, as deliveries are. */
export class MemoryLedger implements Ledger {
  private readonly items = new Map<string, LedgerItem>();

  async get(keys: ReadonlyArray<{ pk: string }>): Promise<Map<string, LedgerItem>> {
    const found = new Map<string, LedgerItem>();
    for (const { pk } of keys) {
      const item = this.items.get(pk);
      if (item) found.set(pk, item);
    }
    return found;
  }

  async put(items: readonly LedgerItem[]): Promise<void> {
    for (const item of items) this.items.set(item.pk, item);
  }

  /** One process, one ledger: nothing changes between read and write. */
  async putIfUnchanged(writes: readonly ConditionalWrite[]): Promise<string[]> {
    for (const { item } of writes) this.items.set(item.pk, item);
    return [];
  }
}
