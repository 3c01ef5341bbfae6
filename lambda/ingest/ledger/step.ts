import { applyConsoleSessions, consoleItems, consoleKeys } from './console-sessions';
import { applyFactors, factorItems, factorKeys } from './factors';
import { applyHistory, DEFAULT_HISTORY_DAYS, type GeoHistoryOptions, historyKeys } from './history';
import type { LedgerItem, LedgerKey } from './items';
import { ledgerKeys, linkThroughLedger } from './links';
import { applyRepeats, DEFAULT_REPEAT_WINDOW_MS, repeatKeyOf, repeatKeys } from './repeats';
import type { Ledger } from './table';
import type { Alert } from '../../shared/alert';
import { summarise } from '../../shared/alert-text';
import type { VerifiedFactor } from '../parse/sign-in-event';

/**
 * The ledger between enrichment and publishing: links across deliveries (Instance Connect), login
 * history (sources never seen for a person) and repeats (the same login again within a window). One
 * BatchGetItem for everything the delivery needs, BatchWriteItem for links and history, one
 * TransactWriteItems for the repeat counts (re-read and recounted when another invocation got
 * there first). It is a memory, never a gate: if DynamoDB fails or throttles past its retries, the
 * alerts go out on time without what the ledger would have added, with a reason that says so; the
 * caller logs the failure (a metric filter on that log line alarms).
 */
export const LEDGER_UNAVAILABLE_REASON = 'login ledger unavailable: not linked across deliveries';
export const REPEATS_UNCOUNTED_REASON = 'login ledger unavailable: repeats not counted';
export const HISTORY_UNAVAILABLE_REASON = 'login ledger unavailable: no history or repeat count';

export interface LedgerOptions {
  /** Days of login history kept and consulted; 0 turns history off. */
  readonly historyDays?: number;
  /** The repeat window in milliseconds; 0 turns repeats off. */
  readonly repeatWindowMs?: number;
  /** Identity Center sign-in factors that passed in this delivery (no alert of their own): written for their sign-in to read. */
  readonly verifiedFactors?: readonly VerifiedFactor[];
  /** New countries and impossible travel (alerts located by the geo step). */
  readonly geo?: GeoHistoryOptions;
}

export interface LedgerStepResult {
  readonly alerts: Alert[];
  /** Why the ledger could not be read (alerts went out without its links), or written. */
  readonly readError?: string;
  readonly writeError?: string;
  readonly reads: number;
  readonly writes: number;
}

/**
 * Each round of optimistic writes lets at least one contender through, so N invocations racing on
 * one counter need up to N rounds; jitter spreads them out.
 */
const COUNT_ATTEMPTS = 8;
const jitter = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 40));

export async function applyLedger(alerts: Alert[], ledger: Ledger, nowMs = Date.now(), options: LedgerOptions = {}): Promise<LedgerStepResult> {
  const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  const windowMs = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const factorWrites = factorItems(options.verifiedFactors ?? [], nowMs);
  const sessionWrites = consoleItems(alerts);
  const keys: LedgerKey[] = [
    ...ledgerKeys(alerts),
    ...factorKeys(alerts),
    ...consoleKeys(alerts),
    ...(historyDays > 0 ? historyKeys(alerts) : []),
    ...(windowMs > 0 ? repeatKeys(alerts) : []),
  ];
  const nothingToDo = keys.length === 0 && factorWrites.length === 0 && sessionWrites.length === 0;
  if (nothingToDo && !alerts.some((a) => a.keyFingerprint)) return { alerts, reads: 0, writes: 0 };
  let found: Map<string, LedgerItem>;
  try {
    found = keys.length > 0 ? await ledger.get(keys) : new Map();
  } catch (error) {
    const remembered = (a: Alert) => (historyDays > 0 || windowMs > 0) && repeatKeyOf(a) !== undefined;
    const marked = alerts.map((a) => {
      if (a.keyFingerprint) return { ...a, reasons: [...a.reasons, LEDGER_UNAVAILABLE_REASON] };
      return remembered(a) ? { ...a, reasons: [...a.reasons, HISTORY_UNAVAILABLE_REASON] } : a;
    });
    return { alerts: marked, readError: (error as Error).message, reads: keys.length, writes: 0 };
  }
  // Factors and console sessions of this same delivery (replay, the reconciler) count as if read;
  // of two sessions under one principal, the later sign-in is the one a switch came from.
  for (const item of factorWrites) found.set(item.pk, item);
  for (const item of sessionWrites) {
    const known = found.get(item.pk);
    if (known?.sk !== 'console' || item.at >= known.at) found.set(item.pk, item);
  }
  const linked = linkThroughLedger(applyConsoleSessions(applyFactors(alerts, found), found), found, nowMs);
  const history = historyDays > 0 ? applyHistory(linked.alerts, found, nowMs, historyDays, options.geo) : { alerts: linked.alerts, writes: [] };
  const writes = [...factorWrites, ...sessionWrites, ...linked.writes, ...history.writes];
  let result = history.alerts;
  let writeError: string | undefined;
  try {
    await ledger.put(writes);
  } catch (error) {
    // The alerts are right; only later links and history suffer. Published all the same.
    writeError = (error as Error).message;
  }
  if (windowMs > 0) {
    const counted = await countRepeats(result, found, ledger, nowMs, windowMs);
    result = counted.alerts;
    writeError ??= counted.error;
  }
  // A severity changed by a link or by history changes the summary's prefix.
  const worded = result.map((a, i) => (a === alerts[i] ? a : { ...a, summary: summarise(a) }));
  return {
    alerts: worded, reads: keys.length, writes: writes.length, ...(writeError && { writeError }),
  };
}

/** Repeats, counted once each even with concurrent invocations: a stale count is read again and redone. */
async function countRepeats(
  alerts: Alert[], found: Map<string, LedgerItem>, ledger: Ledger, nowMs: number, windowMs: number,
): Promise<{ alerts: Alert[]; error?: string }> {
  let current = found;
  for (let attempt = 1; attempt <= COUNT_ATTEMPTS; attempt++) {
    const counted = applyRepeats(alerts, current, nowMs, windowMs);
    let stale: string[];
    try {
      stale = counted.writes.length > 0 ? await ledger.putIfUnchanged(counted.writes) : [];
    } catch (error) {
      return uncounted(alerts, (error as Error).message);
    }
    if (stale.length === 0) return { alerts: counted.alerts };
    await jitter(attempt);
    try {
      const reread = await ledger.get(stale.map((pk) => ({ pk, sk: 'repeat' as const })));
      current = new Map(current);
      for (const pk of stale) {
        const item = reread.get(pk);
        if (item) current.set(pk, item); else current.delete(pk);
      }
    } catch (error) {
      return uncounted(alerts, (error as Error).message);
    }
  }
  return uncounted(alerts, `repeat counts kept changing under ${COUNT_ATTEMPTS} attempts`);
}

function uncounted(alerts: Alert[], error: string): { alerts: Alert[]; error: string } {
  return { alerts: alerts.map((a) => ({ ...a, reasons: [...a.reasons, REPEATS_UNCOUNTED_REASON] })), error: `repeats: ${error}` };
}
