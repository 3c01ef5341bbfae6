import { ledgerKey, type ConsoleItem, type LedgerItem, type LedgerKey } from './items';
import type { Alert } from '../../shared/alert';

/**
 * A console role switch linked to the sign-in it came from: each successful console sign-in (and
 * each switch, since one may switch again from the role it switched to) is written under the
 * principal ARN it signed in as; a `SwitchRole` reads the item of its `SwitchFrom` (written by the
 * sign-in service, not the caller) and names that alert in `relatedAlertIds`. Nothing waits: a
 * switch handled before its sign-in is simply not linked. Pure. Items: `console` (items.ts).
 */

/** The longest console session AWS allows (IAM users: 12 hours): an older sign-in is not this switch's. */
export const CONSOLE_SESSION_MS = 12 * 60 * 60 * 1000;
const SKEW_MS = 5_000;

const consoleKey = (principalArn: string) => ledgerKey('console', principalArn);

/** The principal a successful sign-in or switch now acts as. */
function sessionOf(alert: Alert): string | undefined {
  if (alert.outcome !== 'success' || (alert.kind !== 'console' && alert.kind !== 'switch-role')) return undefined;
  return alert.principal?.arn;
}

function switchFromOf(alert: Alert): string | undefined {
  return alert.kind === 'switch-role' && alert.outcome === 'success' ? alert.signIn?.switchFrom : undefined;
}

export function consoleKeys(alerts: readonly Alert[]): LedgerKey[] {
  const from = new Set(alerts.flatMap((a) => switchFromOf(a) ?? []));
  return [...from].map((arn) => ({ pk: consoleKey(arn), sk: 'console' as const }));
}

export function consoleItems(alerts: readonly Alert[]): ConsoleItem[] {
  return alerts.flatMap((alert) => {
    const arn = sessionOf(alert);
    const at = Date.parse(alert.time);
    if (!arn || !Number.isFinite(at)) return [];
    return [{ pk: consoleKey(arn), sk: 'console' as const, at, alertId: alert.id, expiresAt: Math.floor((at + CONSOLE_SESSION_MS) / 1000) }];
  });
}

/**
 * Each switch with the sign-in (or earlier switch) it came from; `found` holds the ledger's answers
 * and this delivery's own sessions (replay and the reconciler read many records at once).
 */
export function applyConsoleSessions(alerts: readonly Alert[], found: ReadonlyMap<string, LedgerItem>): Alert[] {
  return alerts.map((alert) => {
    const from = switchFromOf(alert);
    if (!from) return alert;
    const session = found.get(consoleKey(from));
    const at = Date.parse(alert.time);
    if (session?.sk !== 'console' || session.alertId === alert.id) return alert;
    if (!(session.at <= at + SKEW_MS && at - session.at <= CONSOLE_SESSION_MS)) return alert;
    return {
      ...alert,
      reasons: [...alert.reasons, `switched from the console session of alert ${session.alertId}`],
      relatedAlertIds: [...new Set([...(alert.relatedAlertIds ?? []), session.alertId])],
    };
  });
}
