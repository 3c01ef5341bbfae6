import type { PublishBatchRequestEntry, PublishBatchResultEntry, BatchResultErrorEntry } from '@aws-sdk/client-sns';
import type { Alert } from '../shared/alert';
import { emailText } from '../shared/alert-text';

/**
 * Publishes alerts with SNS PublishBatch: at most 10 entries and 256 KiB per call, `Failed` entries
 * retried, and an error thrown if any alert is still unpublished so Lambda's async retry (and then
 * the dead-letter path) takes over. Alert ids are stable, so a retried batch deduplicates downstream.
 */

export type PublishBatch = (entries: PublishBatchRequestEntry[]) => Promise<{
  Successful?: PublishBatchResultEntry[];
  Failed?: BatchResultErrorEntry[];
}>;

export interface PublishOptions {
  /** Attempts per entry, the first included. */
  readonly maxAttempts?: number;
  /** Waits between attempts; injectable so tests need not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** PublishBatch calls in flight at once. */
  readonly concurrency?: number;
}

const MAX_ENTRIES = 10;
/** SNS's 256 KiB per batch, less room for the request's own framing. */
const MAX_BATCH_BYTES = 250 * 1024;

export class PublishError extends Error {
  constructor(readonly failed: Array<{ alertId: string; code?: string; message?: string }>, total: number) {
    super(`${failed.length} of ${total} alerts not published: ${failed.slice(0, 5).map((f) => `${f.alertId} (${f.code}: ${f.message})`).join(', ')}`);
    this.name = 'PublishError';
  }
}

export async function publishAlerts(publishBatch: PublishBatch, alerts: readonly Alert[], options: PublishOptions = {}): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const entries = alerts.map((alert, index) => ({ alert, entry: toEntry(alert, index) }));
  const stillFailing: PublishError['failed'] = [];

  const publishChunk = async (batch: typeof entries) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await publishBatch(pending.map((p) => p.entry));
      const failures = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
      const failed = pending.filter((p) => failures.has(p.entry.Id));
      if (failed.length === 0) return;
      if (attempt >= maxAttempts) {
        for (const p of failed) {
          const f = failures.get(p.entry.Id)!;
          stillFailing.push({ alertId: p.alert.id, code: f.Code, message: f.Message });
        }
        return;
      }
      await sleep(100 * 2 ** (attempt - 1));
      pending = failed;
    }
  };
  // A large delivery is a hundred calls: a few in flight at once, not one round trip after another.
  const chunks = [...chunk(entries)];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, chunks.length) }, async () => {
    for (let next = chunks.shift(); next; next = chunks.shift()) await publishChunk(next);
  });
  await Promise.all(workers);
  // Everything publishable went out first; now fail the invocation so the rest is retried.
  if (stillFailing.length > 0) throw new PublishError(stillFailing, alerts.length);
}

/** One SNS entry: JSON for machines (`default`), prose for email, attributes for filter policies. */
export function toEntry(alert: Alert, index: number): PublishBatchRequestEntry {
  return {
    Id: `alert-${index}`,
    Subject: subjectLine(alert.summary),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(alert), email: emailText(alert) }),
    MessageAttributes: {
      severity: { DataType: 'String', StringValue: alert.severity },
      kind: { DataType: 'String', StringValue: alert.kind },
      outcome: { DataType: 'String', StringValue: alert.outcome },
      account: { DataType: 'String', StringValue: alert.account || 'unknown' },
    },
  };
}

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function subjectLine(summary: string): string {
  const ascii = summary.replace(/[^\x20-\x7e]/g, '?').trim();
  return (ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii) || 'Login alert';
}

function* chunk<T extends { entry: PublishBatchRequestEntry }>(items: T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entryBytes(item.entry);
    if (batch.length > 0 && (batch.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

function entryBytes(entry: PublishBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.Message ?? '') + Buffer.byteLength(entry.Subject ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}
