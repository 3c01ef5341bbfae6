import { HEARTBEATS_KEY, recordHeartbeats, silentAccounts } from '../../lambda/host-coverage/heartbeats';
import type { LedgerItem } from '../../lambda/ingest/ledger/items';
import type { ConditionalWrite, Ledger } from '../../lambda/ingest/ledger/table';
import { heartbeatAlert, isHeartbeatRequest, readHeartbeat } from '../../lambda/shared/heartbeat';

/**
 * Heartbeats: which deployments are silent, how they are recorded (newest wins, a conflicting
 * write re-read and retried), and what the recorder accepts from the topic.
 */

const NOW = Date.UTC(2026, 11, 4, 12);
const HOUR = 3_600_000;
const options = { silentAfterMs: 24 * HOUR, expectedAccounts: [] as string[], nowMs: NOW };

test('a deployment is silent once its last heartbeat is older than the silence; an expected account never heard from is named', () => {
  const beats = { '111111111111/eu-west-1': NOW - 23 * HOUR, '111111111111/us-east-1': NOW - 25 * HOUR, '222222222222/eu-west-1': NOW - 30 * HOUR };
  const silent = silentAccounts(beats, { ...options, expectedAccounts: ['111111111111', '333333333333'] });
  expect(silent.map((a) => [a.account, a.region, a.lastHeartbeatAt])).toEqual([
    ['111111111111', 'us-east-1', new Date(NOW - 25 * HOUR).toISOString()],
    ['222222222222', 'eu-west-1', new Date(NOW - 30 * HOUR).toISOString()],
    ['333333333333', undefined, undefined],
  ]);
  expect(silent[2].reason).toContain('never sent a heartbeat');
  // Exactly at the silence: not yet silent.
  expect(silentAccounts({ '111111111111/eu-west-1': NOW - 24 * HOUR }, options)).toEqual([]);
});

/** A ledger holding versioned items, where `interleave` writes a competing version just before a write (as another process would). */
function ledgerWithCompetition() {
  const items = new Map<string, LedgerItem>();
  let competing: Array<() => void> = [];
  const ledger: Ledger = {
    get: async (keys) => new Map(keys.flatMap((k) => (items.has(k.pk) ? [[k.pk, structuredClone(items.get(k.pk)!)] as const] : []))),
    put: async () => { throw new Error('not used'); },
    putIfUnchanged: async (writes: readonly ConditionalWrite[]) => {
      competing.shift()?.();
      const stale = writes.filter((w) => (items.get(w.item.pk) as { version?: number } | undefined)?.version !== w.expectedVersion);
      if (stale.length > 0) return stale.map((w) => w.item.pk);
      for (const w of writes) items.set(w.item.pk, w.item);
      return [];
    },
  };
  const beats = () => JSON.parse((items.get(HEARTBEATS_KEY.pk) as { state: string }).state);
  /** Before each of the next writes, another writer records this heartbeat first. */
  const competeWith = (...others: Array<[string, number]>) => {
    competing = others.map(([key, at]) => () => {
      const current = items.get(HEARTBEATS_KEY.pk) as { version: number; state: string } | undefined;
      const state = { ...(current ? JSON.parse(current.state) : {}), [key]: at };
      items.set(HEARTBEATS_KEY.pk, { ...HEARTBEATS_KEY, state: JSON.stringify(state), version: (current?.version ?? 0) + 1, expiresAt: 0 });
    });
  };
  return { ledger, beats, competeWith };
}

const noSleep = async () => undefined;

test('a write that lost to another writer is re-read and retried: neither heartbeat is lost, and an older one never replaces a newer', async () => {
  const l = ledgerWithCompetition();
  l.competeWith(['222222222222/eu-west-1', NOW], ['333333333333/eu-west-1', NOW]);
  const { attempts } = await recordHeartbeats(l.ledger, [{ account: '111111111111', region: 'eu-west-1', atMs: NOW }], NOW, noSleep);
  expect(attempts).toBe(3);
  expect(l.beats()).toEqual({ '111111111111/eu-west-1': NOW, '222222222222/eu-west-1': NOW, '333333333333/eu-west-1': NOW });

  await recordHeartbeats(l.ledger, [{ account: '111111111111', region: 'eu-west-1', atMs: NOW - HOUR }], NOW, noSleep);
  expect(l.beats()['111111111111/eu-west-1']).toBe(NOW);
});

test('a write that keeps losing fails, so the delivery is retried rather than the heartbeat dropped', async () => {
  const l = ledgerWithCompetition();
  l.competeWith(...Array.from({ length: 6 }, (_, i): [string, number] => [`22222222222${i}/eu-west-1`, NOW]));
  await expect(recordHeartbeats(l.ledger, [{ account: '111111111111', region: 'eu-west-1', atMs: NOW }], NOW, noSleep)).rejects.toThrow('6 attempts');
});

test('the recorder takes a heartbeat as ingest publishes it, and nothing else', () => {
  const alert = heartbeatAlert('210987654321', 'eu-west-1', NOW);
  expect(alert).toMatchObject({ kind: 'heartbeat', severity: 'low', user: 'cdk-login-alerts', summary: expect.stringContaining('not a login') });
  expect(readHeartbeat(JSON.stringify(alert))).toEqual({ account: '210987654321', region: 'eu-west-1', atMs: NOW });
  expect(readHeartbeat('{')).toEqual({ problem: 'not JSON' });
  expect(readHeartbeat(JSON.stringify({ ...alert, kind: 'ssh' }))).toEqual({ problem: 'not a heartbeat' });
  expect(readHeartbeat(JSON.stringify({ ...alert, account: '2109876543210/x' }))).toMatchObject({ problem: expect.stringContaining('not an account id') });
  expect(readHeartbeat(JSON.stringify({ ...alert, region: 'eu-west-1/../x' }))).toMatchObject({ problem: expect.stringContaining('not a region name') });
  expect(readHeartbeat(JSON.stringify({ ...alert, time: 'yesterday' }))).toMatchObject({ problem: expect.stringContaining('not a date') });
});

test('ingest answers a heartbeat request only when asked exactly so', () => {
  expect(isHeartbeatRequest({ 'cdk-login-alerts': 'heartbeat' })).toBe(true);
  // CloudWatch Logs and EventBridge deliveries never carry the marker.
  expect(isHeartbeatRequest({ awslogs: { data: '' } })).toBe(false);
  expect(isHeartbeatRequest({ source: 'aws.signin', detail: { 'cdk-login-alerts': 'heartbeat' } })).toBe(false);
  expect(isHeartbeatRequest('heartbeat')).toBe(false);
});
