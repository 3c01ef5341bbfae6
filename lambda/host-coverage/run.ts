import type { StreamsRead } from './gather';
import { silentAccounts, type HeartbeatJudgement, type Heartbeats } from './heartbeats';
import {
  explainWithSystemsManager, judgeHosts, type CoverageOptions, type HostCoverage, type LogStreamSeen, type ManagedInstance, type RunningInstance,
} from './hosts';
import { changed, changeSince, coverageAlert, coverageReport, type AlertContext } from './report';
import type { SourceProblem } from './sources';
import { HOSTS_KEPT, type CoverageState, type HostCounts, type RegionResult, type StoredState } from './state';
import type { Versioned } from '../ingest/ledger/versioned-item';
import type { Alert, CoverageReport, SilentAccount, UncoveredHost } from '../shared/alert';
import { errorText } from '../shared/error-text';

/**
 * One coverage run, with the reconciler's discipline: the log groups' streams are read once; then
 * each watched region (the one checked longest ago first) is read and judged while the time budget
 * lasts; a region that cannot be read is itself reported dark, never a reason to stop; a region the
 * run had no time for keeps its last result. When what is dark differs from what the last alert
 * reported, one coverage alert goes out, then the state is written (a failed publish writes nothing,
 * so the next run reports again).
 */

export interface RegionReader {
  instances(): Promise<RunningInstance[]>;
  sourceProblems(): Promise<SourceProblem[]>;
  /** Systems Manager's view of these instances; absent when not asked (`coverage.systemsManager: false`). */
  managed?(instanceIds: string[]): Promise<{ managed: Map<string, ManagedInstance>; problem?: string }>;
}

export interface HeartbeatReader {
  readonly options: Omit<HeartbeatJudgement, 'nowMs'>;
  read(): Promise<Versioned<Heartbeats>>;
}

export interface CoverageDeps {
  readonly regions: readonly string[];
  readonly options: Omit<CoverageOptions, 'nowMs'>;
  readonly context: Omit<AlertContext, 'nowMs'>;
  /** Where heartbeats are recorded (this deployment created the topic): their last times, and how they are judged. */
  readonly heartbeats?: HeartbeatReader;
  now(): number;
  remainingMs(): number;
  readState(): Promise<StoredState>;
  writeState(stored: StoredState, state: CoverageState): Promise<boolean>;
  streams(): Promise<StreamsRead>;
  region(region: string): RegionReader;
  publish(alert: Alert): Promise<void>;
  problem(problem: string, detail: Record<string, unknown>): void;
  /** Sends this deployment's heartbeat through its ingest function, after the run; absent: none is sent. */
  sendHeartbeat?(): Promise<void>;
}

export interface CoverageSummary {
  readonly regionsChecked: string[];
  readonly regionsLeft: string[];
  readonly coveredHosts: number;
  readonly silentHosts: number;
  readonly neverSeenHosts: number;
  readonly exemptHosts: number;
  readonly tooNewHosts: number;
  readonly uncoveredHosts: number;
  readonly uncoveredRegions: number;
  /** Deployments whose heartbeat stopped and expected accounts never heard from (0 where heartbeats are not recorded). */
  readonly silentAccounts: number;
  readonly published?: string;
  readonly stateWritten: boolean;
  /** Whether this run's heartbeat reached the ingest function (absent: none is sent). */
  readonly heartbeatSent?: boolean;
}

/** Left for the state write and the alert after the last region: a region starts only with this much time and one region's worth more. */
export const RESERVE_MS = 30_000;
const REGION_MS = 60_000;

/** A run's figures (its log line), the report it judged and the regions' results. */
export interface CoverageRun {
  readonly summary: CoverageSummary;
  readonly report: CoverageReport;
  readonly state: CoverageState;
}

export async function runCoverage(deps: CoverageDeps): Promise<CoverageRun> {
  const stored = await deps.readState();
  if (stored.problem) deps.problem(stored.problem, {});
  const previous = stored.state;
  const streams = await deps.streams();
  for (const p of streams.problems) deps.problem('log group unreadable', { logGroup: p.logGroup, reason: p.reason });
  // Without every group's streams, hosts that ship to the unread one would all read as dark: keep their last judgement instead.
  const judgeHostsNow = streams.problems.length === 0;
  const groupProblems = streams.problems.map((p): SourceProblem => ({ key: `log-group-unreadable:${p.logGroup}`, text: `log group ${p.logGroup} could not be read (${p.reason}): hosts were not judged this run` }));

  const order = [...deps.regions].sort((a, b) => (previous.regions[a]?.checkedAt ?? 0) - (previous.regions[b]?.checkedAt ?? 0));
  const regions: Record<string, RegionResult> = {};
  const checked: string[] = [];
  const left: string[] = [];
  for (const region of order) {
    const last = previous.regions[region];
    if (deps.remainingMs() < RESERVE_MS + REGION_MS) {
      left.push(region);
      if (last) regions[region] = last;
      continue;
    }
    const result = await checkRegion(deps, region, last, judgeHostsNow ? streams.streams : undefined);
    regions[region] = region === deps.context.region ? { ...result, problems: [...groupProblems, ...result.problems] } : result;
    checked.push(region);
  }
  if (left.length > 0) deps.problem('time budget spent: regions left for the next run', { regions: left });

  const accounts = await judgeHeartbeats(deps, previous);
  const state: CoverageState = { regions, reported: previous.reported, ...(accounts && { accounts }) };
  const change = changeSince(previous.reported, state);
  const report = coverageReport(state, change);
  let published: string | undefined;
  if (changed(change)) {
    const alert = coverageAlert(report, change, { ...deps.context, nowMs: deps.now() });
    await deps.publish(alert);
    published = alert.id;
  }
  const stateWritten = await deps.writeState(stored, published ? { ...state, reported: change.uncovered } : state);
  if (!stateWritten) deps.problem('coverage state changed by another run meanwhile: this run\'s result is not kept', {});
  const heartbeatSent = deps.sendHeartbeat ? await sendHeartbeat(deps) : undefined;
  const { counts } = report;
  const summary: CoverageSummary = {
    regionsChecked: checked,
    regionsLeft: left,
    coveredHosts: counts.covered,
    silentHosts: counts.silent,
    neverSeenHosts: counts.neverSeen,
    exemptHosts: counts.exempt,
    tooNewHosts: counts.tooNew,
    uncoveredHosts: counts.silent + counts.neverSeen,
    uncoveredRegions: counts.uncoveredRegions,
    silentAccounts: counts.silentAccounts,
    ...(published && { published }),
    stateWritten,
    ...(heartbeatSent !== undefined && { heartbeatSent }),
  };
  return { summary, report, state };
}

/** The deployments silent now, where heartbeats are recorded; unreadable: the last run's judgement stands. */
async function judgeHeartbeats(deps: CoverageDeps, previous: CoverageState): Promise<SilentAccount[] | undefined> {
  if (!deps.heartbeats) return undefined;
  try {
    const read = await deps.heartbeats.read();
    if (read.problem) deps.problem(read.problem, {});
    return silentAccounts(read.state, { ...deps.heartbeats.options, nowMs: deps.now() });
  } catch (error) {
    deps.problem('heartbeats unreadable: the last run\'s judgement stands', { reason: errorText(error) });
    return previous.accounts ?? [];
  }
}

async function sendHeartbeat(deps: CoverageDeps): Promise<boolean> {
  try {
    await deps.sendHeartbeat!();
    return true;
  } catch (error) {
    deps.problem('heartbeat not sent', { reason: errorText(error) });
    return false;
  }
}

/** `streams` undefined: a log group could not be read, and the region's hosts keep their last judgement. */
async function checkRegion(
  deps: CoverageDeps, region: string, last: RegionResult | undefined, streams: LogStreamSeen[] | undefined,
): Promise<RegionResult> {
  const reader = deps.region(region);
  const nowMs = deps.now();
  const problems: SourceProblem[] = [];
  let hostPart: Pick<RegionResult, 'hosts' | 'hostKeys' | 'counts'> = last ?? { hosts: [], hostKeys: [], counts: NO_HOSTS };
  try {
    if (streams) {
      const instances = await reader.instances();
      hostPart = await judgeRegionHosts(deps, reader, region, judgeHosts(instances, streams, { ...deps.options, nowMs }));
    }
  } catch (error) {
    deps.problem('region unreadable', { region, reason: errorText(error) });
    problems.push({ key: `instances-unreadable:${(error as Error).name}`, text: `its instances could not be listed (${errorText(error)}): its hosts are unknown` });
  }
  try {
    problems.push(...await reader.sourceProblems());
  } catch (error) {
    deps.problem('region sources unreadable', { region, reason: errorText(error) });
    problems.push({ key: `sources-unreadable:${(error as Error).name}`, text: `its rules and trails could not be read (${errorText(error)})` });
  }
  return { checkedAt: nowMs, ...hostPart, problems };
}

const NO_HOSTS: HostCounts = { covered: 0, silent: 0, neverSeen: 0, exempt: 0, tooNew: 0 };

async function judgeRegionHosts(
  deps: CoverageDeps, reader: RegionReader, region: string, firstJudged: HostCoverage[],
): Promise<Pick<RegionResult, 'hosts' | 'hostKeys' | 'counts'>> {
  let judged = firstJudged;
  const dark = judged.filter(isDark);
  if (reader.managed && dark.length > 0) {
    const { managed, problem } = await reader.managed(dark.map((h) => h.instanceId));
    if (problem) deps.problem('Systems Manager unreadable: dark hosts are named without its view', { region, reason: problem });
    else judged = judged.map((h) => explainWithSystemsManager(h, managed.get(h.instanceId), true));
  }
  const count = (status: HostCoverage['status']) => judged.filter((h) => h.status === status).length;
  const darkNow = judged.filter(isDark);
  const silent = darkNow.filter((h) => h.status === 'silent').slice(0, HOSTS_KEPT);
  const neverSeen = darkNow.filter((h) => h.status === 'never-seen').slice(0, HOSTS_KEPT);
  return {
    hosts: [...silent, ...neverSeen].map((h) => uncoveredHost(h, region)),
    hostKeys: darkNow.map((h) => `${region}/${h.instanceId}`).sort(),
    counts: { covered: count('covered'), silent: count('silent'), neverSeen: count('never-seen'), exempt: count('exempt'), tooNew: count('too-new') },
  };
}

function isDark(host: HostCoverage): boolean {
  return host.status === 'silent' || host.status === 'never-seen';
}

function uncoveredHost(host: HostCoverage, region: string): UncoveredHost {
  return {
    instanceId: host.instanceId,
    region,
    status: host.status as UncoveredHost['status'],
    reason: host.reason,
    ...(host.name && { name: host.name }),
    ...(host.lastEventAt !== undefined && { lastEventAt: new Date(host.lastEventAt).toISOString() }),
    ...(host.logGroup && { logGroup: host.logGroup }),
    ...(host.logStreamName && { logStream: host.logStreamName }),
  };
}
