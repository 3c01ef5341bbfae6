import { hostOf, identityOf } from './identity';
import { ledgerKey, type RepeatItem } from './items';
import type { ConditionalWrite } from './table';
import { SEVERITIES, type Alert, type Severity } from '../../shared/alert';

/**
 * Repeats: the same login again within a window (default 10 minutes) of the first: the same person
 * (or user@host when nobody is named), on the same host or target, from the same source, with the
 * same outcome, method, key or certificate, MFA and session document, and no higher severity than
 * the first. Anything that differs is a login of its own: a success never repeats a failure, so an
 * attacker's failed attempts (which anyone on the internet can make) cannot turn the real sign-in
 * after them into a repeat; a password login never repeats a key login; a login more severe than the
 * first (say a rule suppressed the first) alerts and becomes the new first. The first alerts as usual;
 * the others carry `repeat: {of, count}` (the first's alert id; the how-manieth repeat) and the
 * attribute `repeat=true`, which destinations leave out by default. Severity is not changed: the
 * topic and an audit subscriber still see every login as what it is.
 *
 * One `repeat` item (items.ts) per (identity, host, source), written with optimistic concurrency
 * (a condition on the `version` read), so concurrent invocations and retried deliveries count each login once.
 * Pure: the alerts and the ledger's answers in; alerts and the conditional writes out.
 */

export const DEFAULT_REPEAT_WINDOW_MS = 10 * 60_000;


export function repeatKeyOf(alert: Alert): string | undefined {
  if (alert.kind === 'instance-connect') return undefined;
  const identity = identityOf(alert);
  if (!identity) return undefined;
  const where = alert.kind === 'kubernetes-exec' ? `k8s:${alert.account}:${[alert.pod?.cluster, alert.pod?.namespace, alert.pod?.pod, alert.pod?.container].join('/')}`
    : alert.kind === 'ssh' || alert.kind === 'windows-logon' ? hostOf(alert) ?? 'unknown host' : `${alert.kind}:${alert.account}:${hostOf(alert) ?? alert.session?.target ?? ''}`;
  return ledgerKey('repeat', identity, where, alert.sourceIp ?? 'no source', ...sameLogin(alert));
}

/** What makes two logins by the same person from the same place the same login: every part must match. */
function sameLogin(alert: Alert): string[] {
  // A failed Remote Desktop logon under NLA is a network logon (type 3), its success type 10: the
  // logon type does not tell two Windows logons apart, so that the success finds the failures' run.
  if (alert.kind === 'windows-logon') return [alert.outcome];
  // The same command into the same container again; another command is a login of its own.
  if (alert.kind === 'kubernetes-exec') return [alert.outcome, alert.method ?? '', alert.pod?.command ?? '', String(alert.pod?.interactive ?? '')];
  const certificate = alert.certificate ? `${alert.certificate.keyId}\u0000${alert.certificate.serial ?? ''}\u0000${alert.certificate.caFingerprint ?? ''}` : '';
  return [
    alert.outcome,
    alert.method ?? '',
    alert.keyFingerprint ?? '',
    certificate,
    alert.mfa === undefined ? '' : String(alert.mfa),
    alert.principal?.type ?? '',
    alert.session?.document ?? '',
  ];
}

/**
 * Failures in a run of the same failure (a wrong password or MFA code, a denied call) that make a
 * burst: the one that reaches it is raised to high and alerts, so that guessing is seen without
 * an alert per guess. A run already at high or above is not raised again.
 */
export const BURST_FAILURES = 5;

function isBurst(alert: Alert, item: RepeatItem): boolean {
  return alert.outcome === 'failure' && item.repeats + 2 === BURST_FAILURES && SEVERITIES.indexOf(item.severity ?? 'info') < SEVERITIES.indexOf('high');
}

/** A later login repeats the first only when it is no more severe: a worse one must reach everyone. */
function noWorse(alert: Alert, item: RepeatItem): boolean {
  // An item written before severities were recorded is treated as the least severe.
  return SEVERITIES.indexOf(alert.severity) <= SEVERITIES.indexOf(item.severity ?? 'info');
}

export function repeatKeys(alerts: readonly Alert[]): Array<{ pk: string; sk: 'repeat' }> {
  const pks = new Set([...alerts.map(repeatKeyOf), ...alerts.map(failuresKeyOf)].filter((k): k is string => k !== undefined));
  return [...pks].map((pk) => ({ pk, sk: 'repeat' }));
}

/**
 * A Windows logon's success reads the run of failures for the same account on the same host from
 * the same source (failures are counted there even when they are not alerted): a success after
 * them is how a guessed password looks.
 */
function failuresKeyOf(alert: Alert): string | undefined {
  return alert.kind === 'windows-logon' && alert.outcome === 'success' && alert.sourceIp ? repeatKeyOf({ ...alert, outcome: 'failure' }) : undefined;
}

/** The success raised one level (to high at most) when a run of failures came before it within the window. */
function afterFailures(alert: Alert, run: RepeatItem | undefined, windowMs: number): Alert {
  const at = Date.parse(alert.time);
  if (!run || (run.earlierSince ?? run.firstAt) > at || at > run.windowEnd + windowMs) return alert;
  const failures = (run.earlierFailures ?? 0) + run.repeats + 1;
  const index = SEVERITIES.indexOf(alert.severity);
  const severity = index < SEVERITIES.indexOf('high') ? SEVERITIES[index + 1] : alert.severity;
  const reason = `after ${failures} failed logon${failures === 1 ? '' : 's'} for this account from ${alert.sourceIp} (since ${new Date(run.earlierSince ?? run.firstAt).toISOString()})`;
  return { ...alert, severity, reasons: [...alert.reasons, reason] };
}

export interface RepeatResult {
  readonly alerts: Alert[];
  readonly writes: ConditionalWrite[];
}

export function applyRepeats(
  alerts: readonly Alert[],
  found: ReadonlyMap<string, { sk: string }>,
  nowMs: number,
  windowMs = DEFAULT_REPEAT_WINDOW_MS,
): RepeatResult {
  const groups = new Map<string, number[]>();
  alerts.forEach((alert, index) => {
    const pk = repeatKeyOf(alert);
    if (pk) groups.set(pk, [...(groups.get(pk) ?? []), index]);
  });
  const result = [...alerts];
  const writes: ConditionalWrite[] = [];
  // Each run as this delivery leaves it: what a success reads for the failures before it.
  const finals = new Map<string, RepeatItem | undefined>();
  for (const [pk, indexes] of groups) {
    // In the order they happened, so the earliest of a burst is the one that alerts.
    const ordered = [...indexes].sort((a, b) => Date.parse(alerts[a].time) - Date.parse(alerts[b].time));
    const read = found.get(pk) as RepeatItem | undefined;
    let item = read && read.sk === 'repeat' ? read : undefined;
    for (const index of ordered) {
      const alert = alerts[index];
      const at = Date.parse(alert.time);
      const firstOfRun = (severity: Severity): RepeatItem => ({
        pk, sk: 'repeat', firstId: alert.id, firstAt: at, severity, windowEnd: at + windowMs, repeats: 0, version: 0, expiresAt: 0,
      });
      const later = item !== undefined && at <= item.windowEnd && alert.id !== item.firstId;
      if (item && later && noWorse(alert, item) && isBurst(alert, item)) {
        // The burst-th failure of a run: raised, alerted, and the first of the rest of the run.
        const failures = item.repeats + 2;
        result[index] = {
          ...alert,
          severity: 'high',
          reasons: [...alert.reasons, `${failures} failures by the same ${alert.actor ? 'person' : 'user'} from the same source within ${minutes(windowMs)} (the first: alert ${item.firstId})`],
        };
        item = { ...firstOfRun('high'), earlierFailures: (item.earlierFailures ?? 0) + failures - 1, earlierSince: item.earlierSince ?? item.firstAt };
      } else if (item && later && noWorse(alert, item)) {
        item = { ...item, repeats: item.repeats + 1 };
        result[index] = {
          ...alert,
          repeat: { of: item.firstId, count: item.repeats },
          reasons: [...alert.reasons, `repeat ${item.repeats} of alert ${item.firstId} (same login by the same ${alert.actor ? 'person' : 'user'}, host and source within ${minutes(windowMs)})`],
        };
      } else if (!item || at > item.windowEnd || (alert.id !== item.firstId && !noWorse(alert, item))) {
        item = firstOfRun(alert.severity);
      }
      // else: a retried delivery of the first login itself: it stays the first.
    }
    finals.set(pk, item);
    if (item && item !== read) {
      const version = (read?.sk === 'repeat' ? read.version : 0) + 1;
      const expiresAt = Math.floor(Math.max(item.windowEnd, nowMs) / 1000) + 86_400;
      writes.push({ item: { ...item, version, expiresAt }, ...(read?.sk === 'repeat' && { expectedVersion: read.version }) });
    }
  }
  for (const [index, alert] of result.entries()) {
    const pk = failuresKeyOf(alert);
    if (!pk) continue;
    const read = found.get(pk) as RepeatItem | undefined;
    result[index] = afterFailures(alert, finals.has(pk) ? finals.get(pk) : read?.sk === 'repeat' ? read : undefined, windowMs);
  }
  return { alerts: result, writes };
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return Number.isInteger(m) ? `${m} minute${m === 1 ? '' : 's'}` : `${ms / 1000} seconds`;
}
