import type { Ledger } from './ledger';
import { ledgerKeys, linkThroughLedger } from './ledger-links';
import type { Alert } from '../shared/alert';
import { summarise } from '../shared/alert-text';

/**
 * The ledger between enrichment and publishing. It is a memory, never a gate: if DynamoDB fails or
 * throttles past its retries, the alerts go out on time without the cross-delivery links, with a
 * reason that says so; the caller logs the failure (a metric filter on that log line alarms).
 */
export const LEDGER_UNAVAILABLE_REASON = 'login ledger unavailable: not linked across deliveries';

export interface LedgerStepResult {
  readonly alerts: Alert[];
  /** Why the ledger could not be read (alerts went out without its links), or written. */
  readonly readError?: string;
  readonly writeError?: string;
  readonly reads: number;
  readonly writes: number;
}

export async function applyLedger(alerts: Alert[], ledger: Ledger, nowMs = Date.now()): Promise<LedgerStepResult> {
  const keys = ledgerKeys(alerts);
  if (keys.length === 0 && !alerts.some((a) => a.keyFingerprint)) return { alerts, reads: 0, writes: 0 };
  let found;
  try {
    found = keys.length > 0 ? await ledger.get(keys) : new Map();
  } catch (error) {
    const marked = alerts.map((a) => (a.keyFingerprint ? { ...a, reasons: [...a.reasons, LEDGER_UNAVAILABLE_REASON] } : a));
    return { alerts: marked, readError: (error as Error).message, reads: keys.length, writes: 0 };
  }
  const { alerts: linked, writes } = linkThroughLedger(alerts, found, nowMs);
  // A severity changed by a link changes the summary's prefix.
  const worded = linked.map((a, i) => (a === alerts[i] ? a : { ...a, summary: summarise(a) }));
  try {
    await ledger.put(writes);
  } catch (error) {
    // The alerts are right; only later links suffer. Published all the same.
    return { alerts: worded, writeError: (error as Error).message, reads: keys.length, writes: writes.length };
  }
  return { alerts: worded, reads: keys.length, writes: writes.length };
}
