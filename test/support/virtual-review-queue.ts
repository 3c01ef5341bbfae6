import type { SQSBatchResponse } from 'aws-lambda';
import { MAX_SQS_DELAY_SECONDS, type ReviewQueueMessage } from '../../lambda/slack-app/review-queue';
import type { SqsRecord } from '../../lambda/slack-app/review-queue-handler';

/**
 * The review queue on a virtual clock, for what happens over half an hour or more without waiting
 * for it: the real queue's rules (a message waits its DelaySeconds, at most 15 minutes, computed
 * from `dueAt` as the function's sender computes it; one the handler fails comes back after the
 * visibility timeout, 6 minutes, and goes to the dead-letter queue after 5 receives, as the
 * construct's redrive policy says), with time moved by the test. The real SQS (moto) is what the
 * bundle tests use; this one only owns the clock. Everything else the handler calls is real.
 */
export class VirtualReviewQueue {
  static readonly VISIBILITY_TIMEOUT_MS = 6 * 60_000;
  static readonly MAX_RECEIVES = 5;

  readonly deadLetters: ReviewQueueMessage[] = [];
  private readonly messages: Array<{ id: number; body: string; visibleAt: number; receives: number }> = [];
  private ids = 0;

  constructor(public now: number) {}

  /** What the function's `enqueue` does, on this clock. */
  readonly send = async (message: ReviewQueueMessage): Promise<void> => {
    const dueAt = 'dueAt' in message ? message.dueAt : this.now;
    const delaySeconds = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - this.now) / 1000)));
    this.messages.push({ id: ++this.ids, body: JSON.stringify(message), visibleAt: this.now + delaySeconds * 1000, receives: 0 });
  };

  /** Hands every message that comes due up to `until` to `handle`, in order, as the event source would. */
  async runUntil(until: number, handle: (records: SqsRecord[]) => Promise<SQSBatchResponse>): Promise<void> {
    for (;;) {
      const due = this.messages.filter((m) => m.visibleAt <= until).sort((a, b) => a.visibleAt - b.visibleAt || a.id - b.id);
      if (due.length === 0) break;
      this.now = Math.max(this.now, due[0].visibleAt);
      const batch = due.filter((m) => m.visibleAt <= this.now).slice(0, 10);
      for (const m of batch) m.receives++;
      let failed: Set<string>;
      try {
        const response = await handle(batch.map((m) => ({ messageId: String(m.id), body: m.body, eventSource: 'aws:sqs' as const })));
        failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(batch.map((m) => String(m.id)));
      }
      for (const m of batch) {
        const index = this.messages.indexOf(m);
        if (!failed.has(String(m.id))) {
          this.messages.splice(index, 1);
        } else if (m.receives >= VirtualReviewQueue.MAX_RECEIVES) {
          this.messages.splice(index, 1);
          this.deadLetters.push(JSON.parse(m.body));
        } else {
          m.visibleAt = this.now + VirtualReviewQueue.VISIBILITY_TIMEOUT_MS;
        }
      }
    }
    this.now = until;
  }

  /** The messages still waiting. */
  pending(): ReviewQueueMessage[] {
    return this.messages.map((m) => JSON.parse(m.body));
  }
}
