/**
 * The alert ids this container has published, so that a retried invocation (Lambda retries a
 * failed asynchronous invocation in the same warm container more often than not) publishes only
 * what is still missing instead of the whole delivery again. Bounded in size and age: an id older
 * than Lambda's longest retry window (6 hours) cannot come back through a retry.
 *
 * This is memory, not a guarantee: a retry that lands in another container, or a container that
 * published and then died before answering, can still publish an alert twice. Subscribers see the
 * same alert `id` (PagerDuty's dedup_key) and docs/RELIABILITY.md says so.
 */
export class PublishedIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly maxEntries = 50_000,
    private readonly ttlMs = 6 * 60 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const at = this.ids.get(id);
    if (at === undefined) return false;
    if (this.now() - at > this.ttlMs) {
      this.ids.delete(id);
      return false;
    }
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    // Oldest first: a Map iterates in insertion order.
    while (this.ids.size >= this.maxEntries) this.ids.delete(this.ids.keys().next().value!);
    this.ids.set(id, this.now());
  }

  get size(): number {
    return this.ids.size;
  }
}
