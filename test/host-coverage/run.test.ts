import type { StreamsRead } from '../../lambda/host-coverage/gather';
import type { Heartbeats } from '../../lambda/host-coverage/heartbeats';
import type { RunningInstance } from '../../lambda/host-coverage/hosts';
import { runCoverage, type CoverageDeps, type RegionReader } from '../../lambda/host-coverage/run';
import { EMPTY_STATE, type CoverageState, type StoredState } from '../../lambda/host-coverage/state';
import type { Alert } from '../../lambda/shared/alert';

/**
 * One coverage run's discipline, with its reads faked and its clock and time budget injected: the
 * region checked longest ago goes first, a region that cannot be read is itself dark and the rest
 * go on, a region left for lack of time keeps its last result, a failed publish keeps nothing.
 */

const NOW = Date.UTC(2026, 11, 3, 12);
const OLD = NOW - 72 * 3_600_000;

function world(regions: Record<string, RunningInstance[] | Error>, streams: StreamsRead = { streams: [], problems: [] }) {
  let stored: StoredState = { state: EMPTY_STATE };
  const published: Alert[] = [];
  const problems: string[] = [];
  const asked: string[] = [];
  let remaining = [Number.POSITIVE_INFINITY];
  let failPublish = false;
  let beats: Heartbeats | Error | undefined;
  let heartbeatFailure: Error | undefined;
  const heartbeatsSent: number[] = [];
  const deps = (): CoverageDeps => ({
    regions: Object.keys(regions),
    options: { silentAfterMs: 24 * 3_600_000, minAgeMs: 3_600_000 },
    context: { account: '123456789012', region: Object.keys(regions)[0] },
    now: () => NOW,
    remainingMs: () => (remaining.length > 1 ? remaining.shift()! : remaining[0]),
    readState: async () => stored,
    writeState: async (_was, next: CoverageState) => {
      stored = { state: JSON.parse(JSON.stringify(next)), version: (stored.version ?? 0) + 1 };
      return true;
    },
    streams: async () => streams,
    region: (name): RegionReader => ({
      instances: async () => {
        asked.push(name);
        const found = regions[name];
        if (found instanceof Error) throw found;
        return found;
      },
      sourceProblems: async () => [],
    }),
    publish: async (alert) => {
      if (failPublish) throw new Error('topic unavailable');
      published.push(alert);
    },
    problem: (problem) => problems.push(problem),
    ...(beats !== undefined && {
      heartbeats: {
        read: async () => {
          if (beats instanceof Error) throw beats;
          return { state: beats! };
        },
        options: { silentAfterMs: 24 * 3_600_000, expectedAccounts: [] },
      },
      sendHeartbeat: async () => {
        if (heartbeatFailure) throw heartbeatFailure;
        heartbeatsSent.push(NOW);
      },
    }),
  });
  return {
    run: () => runCoverage(deps()),
    published,
    problems,
    asked,
    budget: (...ms: number[]) => { remaining = ms; },
    failPublishing: (fail: boolean) => { failPublish = fail; },
    stored: () => stored,
    /** Where heartbeats are recorded: these, or an error reading them. */
    heartbeats: (recorded: Heartbeats | Error) => { beats = recorded; },
    failHeartbeat: (error: Error | undefined) => { heartbeatFailure = error; },
    heartbeatsSent,
  };
}

const host = (instanceId: string): RunningInstance => ({ instanceId, launchTime: OLD });

test('a region that cannot be listed is reported dark, and the other regions are judged all the same', async () => {
  const denied = Object.assign(new Error('not authorized to perform ec2:DescribeInstances'), { name: 'UnauthorizedOperation' });
  const w = world({ 'eu-west-1': [host('i-0aaaaaaaaaaaaaaa1')], 'ap-south-1': denied });
  const { summary, report } = await w.run();
  expect(summary).toMatchObject({ neverSeenHosts: 1, uncoveredRegions: 1, regionsChecked: ['eu-west-1', 'ap-south-1'] });
  expect(report.uncoveredRegions).toEqual([{ region: 'ap-south-1', problems: [expect.stringContaining('its instances could not be listed (UnauthorizedOperation')] }]);
  expect(w.problems).toContain('region unreadable');
  expect(w.published).toHaveLength(1);
});

test('out of time: the regions not reached keep their last result and come first next run', async () => {
  const w = world({ 'eu-west-1': [host('i-0aaaaaaaaaaaaaaa1')], 'us-east-1': [host('i-0bbbbbbbbbbbbbbb2')] });
  await w.run();
  expect(w.asked).toEqual(['eu-west-1', 'us-east-1']);
  w.asked.length = 0;
  // Time for one region only: the first in line (both were checked at the same time: the given order).
  w.budget(10 * 60_000, 1_000);
  const cut = await w.run();
  expect(cut.summary.regionsLeft).toEqual(['us-east-1']);
  expect(w.problems).toContain('time budget spent: regions left for the next run');
  // us-east-1's host is still listed: its last result is kept, not forgotten.
  expect(cut.report.neverSeenHosts.map((h) => h.instanceId).sort()).toEqual(['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2']);
  expect(w.published).toHaveLength(1);
});

test('a failed publish keeps nothing: the next run reports the same change again', async () => {
  const w = world({ 'eu-west-1': [host('i-0aaaaaaaaaaaaaaa1')] });
  w.failPublishing(true);
  await expect(w.run()).rejects.toThrow('topic unavailable');
  expect(w.stored().version).toBeUndefined();
  w.failPublishing(false);
  const retried = await w.run();
  expect(retried.summary.published).toBeDefined();
  expect(w.published[0].coverage!.newlyUncovered).toEqual(['eu-west-1/i-0aaaaaaaaaaaaaaa1']);
});

test('a log group that cannot be read keeps every host\'s last judgement instead of calling them all dark', async () => {
  const w = world({ 'eu-west-1': [host('i-0aaaaaaaaaaaaaaa1')] }, { streams: [], problems: [{ logGroup: '/ec2/secure', reason: 'AccessDeniedException' }] });
  const { summary, report } = await w.run();
  expect(summary.neverSeenHosts).toBe(0);
  expect(w.asked).toEqual([]);
  expect(report.uncoveredRegions[0].problems).toEqual([expect.stringContaining('log group /ec2/secure could not be read')]);
});

test('a deployment whose heartbeat stops is reported once, as newly silent, and once again when it is back', async () => {
  const w = world({ 'eu-west-1': [] });
  w.heartbeats({ '210987654321/eu-west-1': NOW - 3_600_000 });
  const alive = await w.run();
  expect(alive.summary).toMatchObject({ silentAccounts: 0, heartbeatSent: true });
  expect(alive.summary.published).toBeUndefined();

  w.heartbeats({ '210987654321/eu-west-1': NOW - 25 * 3_600_000 });
  const stopped = await w.run();
  expect(stopped.summary.silentAccounts).toBe(1);
  expect(w.published.map((a) => a.coverage!.newlyUncovered)).toEqual([['heartbeat: 210987654321/eu-west-1']]);
  expect(w.published[0]).toMatchObject({ outcome: 'failure', reasons: expect.arrayContaining(['1 deployment stopped sending heartbeats']) });
  expect(w.published[0].summary).toContain('1 deployment silent');

  expect((await w.run()).summary.published).toBeUndefined();
  w.heartbeats({ '210987654321/eu-west-1': NOW });
  await w.run();
  expect(w.published[1].coverage).toMatchObject({ coveredAgain: ['heartbeat: 210987654321/eu-west-1'], silentAccounts: [] });
});

test('heartbeats that cannot be read keep the last judgement; a heartbeat that cannot be sent is a problem, not a failed run', async () => {
  const w = world({ 'eu-west-1': [] });
  w.heartbeats({ '210987654321/eu-west-1': NOW - 25 * 3_600_000 });
  await w.run();
  w.heartbeats(new Error('ledger throttled'));
  w.failHeartbeat(new Error('ingest function not found'));
  const blind = await w.run();
  expect(blind.summary).toMatchObject({ silentAccounts: 1, heartbeatSent: false });
  expect(blind.summary.published).toBeUndefined();
  expect(w.problems).toEqual(expect.arrayContaining(["heartbeats unreadable: the last run's judgement stands", 'heartbeat not sent']));
});
