import type { BatchResultErrorEntry, PublishBatchRequestEntry, PublishBatchResultEntry } from '@aws-sdk/client-sns';
import type { PublishedIds } from './published-ids';
import { HEARTBEAT_ATTRIBUTE, TAG_EMPTY, tagAttributeName } from '../../../src/contract/routing';
import type { Alert } from '../../shared/alert';
import { emailText } from '../../shared/alert-text';

/**
 * Publishes alerts with SNS PublishBatch: at most 10 entries and 256 KiB per call, each entry made
 * to fit SNS's message limit, `Failed` entries and failed calls retried. What this container
 * already published is skipped (`published`), so a retried invocation publishes only the rest.
 * An error is thrown if any alert is still unpublished, after everything else went out, so Lambda's
 * async retry (and then the dead-letter path) takes over for that alert alone.
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
  /** Ids published earlier by this container: skipped now, and added to as alerts go out. */
  readonly published?: PublishedIds;
  /** Instance tag keys published as `tag.<key>` message attributes (ROUTING_TAG_KEYS). */
  readonly routingTagKeys?: readonly string[];
}

export interface PublishResult {
  readonly published: number;
  /** Alerts an earlier attempt of this container had published already. */
  readonly skipped: number;
}

const MAX_ENTRIES = 10;
/** SNS's 256 KiB per batch and per message, less room for the request's own framing. */
const MAX_BATCH_BYTES = 250 * 1024;
export const MAX_ENTRY_BYTES = MAX_BATCH_BYTES;

export class PublishError extends Error {
  constructor(readonly failed: Array<{ alertId: string; code?: string; message?: string }>, total: number) {
    super(`${failed.length} of ${total} alerts not published: ${failed.slice(0, 5).map((f) => `${f.alertId} (${f.code}: ${f.message})`).join(', ')}`);
    this.name = 'PublishError';
  }
}

interface Pending {
  readonly alert: Alert;
  readonly entry: PublishBatchRequestEntry;
}

export async function publishAlerts(publishBatch: PublishBatch, alerts: readonly Alert[], options: PublishOptions = {}): Promise<PublishResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const published = options.published;
  const todo = alerts.filter((alert) => !published?.has(alert.id));
  const entries = todo.map((alert, index) => ({ alert, entry: toEntry(alert, index, options.routingTagKeys) }));
  const stillFailing: PublishError['failed'] = [];

  const publishChunk = async (pending: Pending[], attempt: number): Promise<void> => {
    const { failures, threw, throttled } = await tryBatch(publishBatch, pending);
    for (const p of pending) if (!failures.has(p.entry.Id!)) published?.add(p.alert.id);
    // A sender fault (an invalid parameter) fails the same way every time: not retried here.
    const retryable = pending.filter((p) => failures.get(p.entry.Id!)?.SenderFault === false);
    for (const p of pending) {
      const f = failures.get(p.entry.Id!);
      if (f && (f.SenderFault !== false || attempt >= maxAttempts)) stillFailing.push({ alertId: p.alert.id, code: f.Code, message: f.Message });
    }
    if (retryable.length === 0 || attempt >= maxAttempts) return;
    await sleep(100 * 2 ** (attempt - 1));
    // A whole call that failed is retried entry by entry: one entry that poisons its batch cannot
    // hold back the nine beside it. Not when SNS throttled it: ten calls instead of one would feed
    // the throttling.
    if (threw && !throttled && retryable.length > 1) {
      await Promise.all(retryable.map((p) => publishChunk([p], attempt + 1)));
    } else {
      await publishChunk(retryable, attempt + 1);
    }
  };
  // A large delivery is a hundred calls: a few in flight at once, not one round trip after another.
  const chunks = [...chunk(entries)];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, chunks.length) }, async () => {
    for (let next = chunks.shift(); next; next = chunks.shift()) await publishChunk(next, 1);
  });
  await Promise.all(workers);
  // Everything publishable went out first; now fail the invocation so the rest is retried.
  if (stillFailing.length > 0) throw new PublishError(stillFailing, alerts.length);
  return { published: todo.length, skipped: alerts.length - todo.length };
}

/**
 * One call; a call that throws (throttling, a network error, a rejected request) counts as a
 * failure of each of its entries, so it is retried like a `Failed` entry instead of failing the
 * whole delivery at once.
 */
interface BatchOutcome {
  readonly failures: Map<string, BatchResultErrorEntry>;
  readonly threw: boolean;
  readonly throttled: boolean;
}

async function tryBatch(publishBatch: PublishBatch, pending: Pending[]): Promise<BatchOutcome> {
  try {
    const result = await publishBatch(pending.map((p) => p.entry));
    return { failures: new Map((result.Failed ?? []).map((f) => [f.Id!, f])), threw: false, throttled: false };
  } catch (error) {
    // The SDK already retried what it considers transient; the caller retries the entries again,
    // one by one unless throttled, so a fault of the whole call is pinned on the entry that causes it.
    const e = error as Error & { $retryable?: { throttling?: boolean } };
    const failure = { Code: e.name, Message: e.message, SenderFault: false };
    const throttled = e.$retryable?.throttling === true || /Throttl|TooManyRequests|RequestLimitExceeded/.test(e.name);
    return { failures: new Map(pending.map((p) => [p.entry.Id!, { Id: p.entry.Id, ...failure }])), threw: true, throttled };
  }
}

/**
 * One SNS entry: JSON for machines (`default`), prose for email, attributes for filter policies.
 * If it would exceed SNS's message limit (a long raw line of multi-byte or escaped characters can),
 * the raw line is cut further, marked `messageTruncated`, until it fits.
 */
export function toEntry(alert: Alert, index: number, routingTagKeys: readonly string[] = []): PublishBatchRequestEntry {
  let current = alert;
  let entry = buildEntry(current, index, routingTagKeys);
  for (let bytes = entryBytes(entry); bytes > MAX_ENTRY_BYTES; bytes = entryBytes(entry)) {
    const origin = current.origin as { message?: unknown };
    if (typeof origin.message !== 'string' || origin.message === '') {
      throw new Error(`alert ${alert.id} is ${bytes} bytes without its raw line: a field escaped its bound`);
    }
    const keep = Math.floor(origin.message.length * (MAX_ENTRY_BYTES / bytes) * 0.9);
    current = { ...current, origin: { ...current.origin, message: origin.message.slice(0, keep), messageTruncated: true } } as Alert;
    entry = buildEntry(current, index, routingTagKeys);
  }
  return entry;
}

function buildEntry(alert: Alert, index: number, routingTagKeys: readonly string[]): PublishBatchRequestEntry {
  return {
    Id: `alert-${index}`,
    Subject: subjectLine(alert.summary),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(alert), email: emailText(alert) }),
    MessageAttributes: Object.fromEntries(Object.entries(messageAttributes(alert, routingTagKeys)).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
  };
}

/** The SNS message attributes subscribers filter on (README: `severity`, `kind`, `outcome`, `account`, `suppressed`, `repeat`). */
export function messageAttributes(alert: Alert, routingTagKeys: readonly string[] = []): Record<string, string> {
  // Only the tags the instance (or, for ECS Exec, the task) has: a filter on a tag then leaves out logins without it.
  const tags = Object.fromEntries(routingTagKeys.flatMap((key) => {
    const value = alert.host?.tags?.[key] ?? alert.container?.tags?.[key];
    return value === undefined ? [] : [[tagAttributeName(key), value === '' ? TAG_EMPTY : value]];
  }));
  const heartbeat = alert.kind === 'heartbeat';
  return {
    ...tags,
    severity: alert.severity,
    kind: alert.kind,
    outcome: alert.outcome,
    account: alert.account || 'unknown',
    // Destinations leave suppressed alerts out by default (filter policy); the topic keeps them.
    // A heartbeat is neither: marked so that those same filters leave it out.
    suppressed: heartbeat ? HEARTBEAT_ATTRIBUTE : String(alert.suppressed !== undefined),
    repeat: heartbeat ? HEARTBEAT_ATTRIBUTE : String(alert.repeat !== undefined),
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

export function entryBytes(entry: PublishBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.Message ?? '') + Buffer.byteLength(entry.Subject ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}
