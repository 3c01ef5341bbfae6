import { createHash } from 'node:crypto';
import { silentKey } from './heartbeats';
import type { CoverageState } from './state';
import { ALERT_SCHEMA_VERSION, LIBRARY_SENDER, type Alert, type CoverageCounts, type CoverageReport, type UncoveredRegion } from '../shared/alert';

/**
 * The coverage alert: one per change of what is dark (a host went silent, a rule was disabled, a
 * host came back), never one per host per run. Severity low, never asked for review: it says what
 * nobody can see, not that somebody logged in. Its id is derived from what it reports, so a retried
 * publish of the same change keeps the same id.
 */

/** Each list in the alert is cut here (`counts` has them all): 100 hosts is about 30 KB of SNS's 256. */
export const LISTED = 100;

export interface Change {
  /** Every dark key now: `region/instance id` for hosts, `region: problem` for region problems, `heartbeat: account/region`. */
  readonly uncovered: string[];
  readonly newlyUncovered: string[];
  readonly coveredAgain: string[];
}

export function darkKeys(state: CoverageState): string[] {
  const keys = Object.entries(state.regions).flatMap(([region, result]) => [...result.hostKeys, ...result.problems.map((p) => `${region}: ${p.key}`)]);
  keys.push(...(state.accounts ?? []).map(silentKey));
  return [...new Set(keys)].sort();
}

export function changeSince(reported: readonly string[], state: CoverageState): Change {
  const uncovered = darkKeys(state);
  const before = new Set(reported);
  const now = new Set(uncovered);
  return { uncovered, newlyUncovered: uncovered.filter((k) => !before.has(k)), coveredAgain: [...before].filter((k) => !now.has(k)).sort() };
}

export function changed(change: Change): boolean {
  return change.newlyUncovered.length > 0 || change.coveredAgain.length > 0;
}

export function coverageReport(state: CoverageState, change: Change): CoverageReport {
  const hosts = Object.values(state.regions).flatMap((r) => r.hosts);
  const uncoveredRegions: UncoveredRegion[] = Object.entries(state.regions)
    .filter(([, r]) => r.problems.length > 0)
    .map(([region, r]) => ({ region, problems: r.problems.map((p) => p.text) }))
    .sort((a, b) => a.region.localeCompare(b.region));
  const sum = (key: keyof CoverageState['regions'][string]['counts']) => Object.values(state.regions).reduce((n, r) => n + r.counts[key], 0);
  const counts: CoverageCounts = {
    covered: sum('covered'),
    silent: sum('silent'),
    neverSeen: sum('neverSeen'),
    exempt: sum('exempt'),
    tooNew: sum('tooNew'),
    regionsChecked: Object.keys(state.regions).length,
    uncoveredRegions: uncoveredRegions.length,
    silentAccounts: state.accounts?.length ?? 0,
  };
  const byKey = (a: { region: string; instanceId: string }, b: { region: string; instanceId: string }) =>
    `${a.region}/${a.instanceId}`.localeCompare(`${b.region}/${b.instanceId}`);
  return {
    silentHosts: hosts.filter((h) => h.status === 'silent').sort(byKey).slice(0, LISTED),
    neverSeenHosts: hosts.filter((h) => h.status === 'never-seen').sort(byKey).slice(0, LISTED),
    uncoveredRegions,
    silentAccounts: (state.accounts ?? []).slice(0, LISTED),
    newlyUncovered: change.newlyUncovered.slice(0, LISTED),
    coveredAgain: change.coveredAgain.slice(0, LISTED),
    counts,
  };
}

export interface AlertContext {
  readonly account: string;
  readonly region: string;
  readonly nowMs: number;
}

export function coverageAlert(report: CoverageReport, change: Change, context: AlertContext): Alert {
  const id = `coverage-${createHash('sha256').update(JSON.stringify([change.uncovered, change.coveredAgain])).digest('hex').slice(0, 32)}`;
  const { counts } = report;
  const darkHosts = counts.silent + counts.neverSeen;
  const newHosts = change.newlyUncovered.filter((k) => k.includes('/') && !k.includes(': ')).length;
  const newSilentAccounts = change.newlyUncovered.filter((k) => k.startsWith('heartbeat: ')).length;
  const newProblems = change.newlyUncovered.length - newHosts - newSilentAccounts;
  const reasons = [
    ...(newHosts > 0 ? [`${plural(newHosts, 'host')} went dark`] : []),
    ...(newProblems > 0 ? [`${plural(newProblems, 'new source problem')}`] : []),
    ...(newSilentAccounts > 0 ? [`${plural(newSilentAccounts, 'deployment')} stopped sending heartbeats`] : []),
    ...(change.coveredAgain.length > 0 ? [`${change.coveredAgain.length} covered again`] : []),
    ...(counts.silent > 0 ? [`${plural(counts.silent, 'silent host')}`] : []),
    ...(counts.neverSeen > 0 ? [`${plural(counts.neverSeen, 'host')} never seen`] : []),
    ...(counts.uncoveredRegions > 0 ? [`${plural(counts.uncoveredRegions, 'region')} not fully watched`] : []),
    ...(counts.silentAccounts > 0 ? [`${plural(counts.silentAccounts, 'deployment')} without a heartbeat`] : []),
  ];
  const dark = darkHosts > 0 || counts.uncoveredRegions > 0 || counts.silentAccounts > 0;
  const accounts = counts.silentAccounts > 0 ? `, ${plural(counts.silentAccounts, 'deployment')} silent` : '';
  const summary = dark
    ? `Coverage: ${plural(darkHosts, 'host')} and ${plural(counts.uncoveredRegions, 'region')} not watched${accounts}`
      + ` (${change.newlyUncovered.length} new, ${change.coveredAgain.length} covered again)`
    : `Coverage: every host and region watched again (${change.coveredAgain.length} covered again)`;
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id,
    kind: 'coverage',
    severity: 'low',
    reasons,
    outcome: dark ? 'failure' : 'success',
    time: new Date(context.nowMs).toISOString(),
    account: context.account,
    region: context.region,
    user: LIBRARY_SENDER,
    summary,
    origin: { eventSource: LIBRARY_SENDER, eventName: 'CoverageReport', eventId: id },
    coverage: report,
  };
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
