import { identityOf, sourceOf } from './identity';
import { ledgerKey, type HistoryItem } from './items';
import type { Alert } from '../../shared/alert';
import { raiseFor } from '../draft/severity';

/**
 * Login history through the ledger: the sources each person logged in from in the last
 * `historyDays`. A source never seen for someone the ledger already knows raises the login one
 * level (never above high) with a reason; a known source says when it was last seen. Someone the
 * ledger has never seen (a new person, or the first days after deploying) gets `history` but no
 * raise: everything would be new, and a launch that pages on every login teaches people to ignore it.
 * Pure: the alerts and the ledger's answers in, alerts and the items to write out. Items: `source`
 * and `person` (items.ts). Only successful logins are remembered; failures are checked against them.
 */

export interface HistoryKey {
  readonly pk: string;
  readonly sk: 'source' | 'person';
}

export const DEFAULT_HISTORY_DAYS = 90;

interface Subject {
  readonly identity: string;
  readonly source: string;
}

function subjectOf(alert: Alert): Subject | undefined {
  if (alert.kind === 'instance-connect') return undefined; // a key push or tunnel is not itself a login
  const identity = identityOf(alert);
  const source = sourceOf(alert);
  return identity && source ? { identity, source } : undefined;
}

const sourcePk = (s: Subject) => ledgerKey('source', s.identity, s.source);
const personPk = (s: Subject) => ledgerKey('person', s.identity);

export function historyKeys(alerts: readonly Alert[]): HistoryKey[] {
  const keys = new Map<string, HistoryKey>();
  for (const alert of alerts) {
    const subject = subjectOf(alert);
    if (!subject) continue;
    keys.set(sourcePk(subject), { pk: sourcePk(subject), sk: 'source' });
    keys.set(personPk(subject), { pk: personPk(subject), sk: 'person' });
  }
  return [...keys.values()];
}

export interface HistoryResult {
  readonly alerts: Alert[];
  readonly writes: HistoryItem[];
}

export function applyHistory(
  alerts: readonly Alert[],
  found: ReadonlyMap<string, { sk: string; lastSeen?: number }>,
  nowMs: number,
  historyDays = DEFAULT_HISTORY_DAYS,
): HistoryResult {
  const horizon = nowMs - historyDays * 86_400_000;
  // What this delivery adds, so a second login from the same new place in it is not new again.
  const seen = new Map<string, number>();
  const known = (pk: string) => {
    const local = seen.get(pk);
    if (local !== undefined) return local;
    const item = found.get(pk);
    return item?.lastSeen !== undefined && item.lastSeen >= horizon ? item.lastSeen : undefined;
  };
  const writes = new Map<string, HistoryItem>();
  // In the order the logins happened, not the order they were read: the earlier login from a new
  // place is the first-seen one, whichever line a delivery (or the reconciler) carries first.
  const order = alerts.map((_, i) => i).sort((a, b) => (Date.parse(alerts[a].time) || 0) - (Date.parse(alerts[b].time) || 0));
  const result: Alert[] = [...alerts];
  for (const index of order) result[index] = applyOne(alerts[index]);
  return { alerts: result, writes: [...writes.values()] };

  function applyOne(alert: Alert): Alert {
    const subject = subjectOf(alert);
    if (!subject) return alert;
    const at = Date.parse(alert.time);
    const lastSeen = known(sourcePk(subject));
    const personKnown = known(personPk(subject)) !== undefined;
    if (alert.outcome === 'success') {
      const expiresAt = Math.floor(Math.max(at, nowMs) / 1000) + historyDays * 86_400;
      for (const [pk, sk] of [[sourcePk(subject), 'source'], [personPk(subject), 'person']] as const) {
        const latest = Math.max(at, seen.get(pk) ?? 0, found.get(pk)?.lastSeen ?? 0);
        seen.set(pk, latest);
        writes.set(pk, { pk, sk, lastSeen: latest, expiresAt } as HistoryItem);
      }
    }
    if (lastSeen !== undefined) {
      return { ...alert, history: { firstSeenSource: false, lastSeen: new Date(lastSeen).toISOString() } };
    }
    // Unchanged, so no reason: `reasons` say why the severity is what it is.
    if (!personKnown) return { ...alert, history: { firstSeenSource: true } };
    const raised = raiseFor(alert, `source ${subject.source} not seen for ${describe(alert)} in ${historyDays} days`, 'high');
    return { ...alert, ...raised, history: { firstSeenSource: true } };
  }
}

function describe(alert: Alert): string {
  return alert.actor?.name ?? alert.user;
}
