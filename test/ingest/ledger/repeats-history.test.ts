import { applyHistory, historyKeys } from '../../../lambda/ingest/ledger/history';
import { identityOf, sourceOf } from '../../../lambda/ingest/ledger/identity';
import type { RepeatItem } from '../../../lambda/ingest/ledger/items';
import { applyRepeats } from '../../../lambda/ingest/ledger/repeats';
import type { Alert } from '../../../lambda/shared/alert';
import { TEST_LOGIN_REASON } from '../../../lambda/shared/test-login';
import { sshAlert } from '../../support/alerts';

const login = (overrides: Partial<Alert> = {}): Alert => sshAlert({ host: { instanceId: 'i-0abc123def4567890' }, ...overrides });

describe('who and from where', () => {
  test('the person behind a login when known, else user@instance, else the console user of the account', () => {
    expect(identityOf(login({ actor: { name: 'Alice Doe', arn: 'arn:aws:iam::123456789012:user/alice', via: 'iam' } }))).toBe('arn:aws:iam::123456789012:user/alice');
    expect(identityOf(login({ actor: { name: 'Alice Doe', via: 'key-owner' } }))).toBe('actor:Alice Doe');
    expect(identityOf(login())).toBe('alice@i-0abc123def4567890');
    expect(identityOf(login({ kind: 'console', principal: undefined, user: 'bob' }))).toBe('console:123456789012:bob');
    expect(identityOf(login({ user: 'unknown' }))).toBeUndefined();
  });

  test('IPv4 as is; IPv6 by its /64, since privacy addresses change within it', () => {
    expect(sourceOf(login())).toBe('203.0.113.7');
    expect(sourceOf(login({ sourceIp: '2001:db8:1234:5678:a:b:c:d' }))).toBe('2001:db8:1234:5678::/64');
    expect(sourceOf(login({ sourceIp: '2001:db8:1234:5678::9' }))).toBe('2001:db8:1234:5678::/64');
    expect(sourceOf(login({ sourceIp: '2001:DB8:0:0::1' }))).toBe('2001:db8:0:0::/64');
    expect(sourceOf(login({ sourceIp: undefined }))).toBeUndefined();
  });
});

describe('history', () => {
  test('failures are checked against history but never remembered as a place someone logged in from', () => {
    const failed = login({ kind: 'console', outcome: 'failure', user: 'alice', host: undefined });
    const { writes, alerts } = applyHistory([failed], new Map(), Date.parse('2026-11-21T10:00:00Z'));
    expect(writes).toEqual([]);
    expect(alerts[0].history).toEqual({ firstSeenSource: true });
  });

  test('a source last seen before the history period is new again', () => {
    const [sourceKey, personKey] = historyKeys([login()]);
    const now = Date.parse('2026-11-21T10:00:00Z');
    const found = new Map([
      [sourceKey.pk, { sk: 'source', lastSeen: now - 91 * 86_400_000 }],
      [personKey.pk, { sk: 'person', lastSeen: now - 86_400_000 }],
    ]);
    const { alerts } = applyHistory([login()], found, now);
    expect([alerts[0].severity, alerts[0].history]).toEqual(['high', { firstSeenSource: true }]);
  });

  test('raised at most to high; critical stays critical', () => {
    const [, personKey] = historyKeys([login()]);
    const found = new Map([[personKey.pk, { sk: 'person', lastSeen: Date.parse('2026-11-20T00:00:00Z') }]]);
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(applyHistory([login({ severity: 'high' })], found, now).alerts[0].severity).toBe('high');
    expect(applyHistory([login({ severity: 'critical' })], found, now).alerts[0].severity).toBe('critical');
  });
});

describe('history in event time', () => {
  test('in one delivery, the earlier login from a new place is the first-seen one, whichever was read first', () => {
    const [, personKey] = historyKeys([login()]);
    const found = new Map([[personKey.pk, { sk: 'person', lastSeen: Date.parse('2026-11-20T00:00:00Z') }]]);
    const early = login({ id: 'early', time: '2026-11-21T09:01:00.000Z' });
    const late = login({ id: 'late', time: '2026-11-21T09:02:00.000Z' });
    const { alerts } = applyHistory([late, early], found, Date.parse('2026-11-21T09:03:00Z'));
    expect(alerts.map((a) => [a.id, a.severity, a.history?.firstSeenSource])).toEqual([['late', 'medium', false], ['early', 'high', true]]);
  });
});

describe('repeats', () => {
  test('a retried delivery of the first login leaves it the first, not a repeat of itself', () => {
    const first = applyRepeats([login()], new Map(), Date.parse('2026-11-21T09:00:00Z'));
    const stored = new Map([[first.writes[0].item.pk, first.writes[0].item]]);
    const again = applyRepeats([login()], stored, Date.parse('2026-11-21T09:00:30Z'));
    expect(again.alerts[0].repeat).toBeUndefined();
  });

  test('the earliest of a burst in one delivery is the first, whatever order the lines came in', () => {
    const late = login({ id: 'late', time: '2026-11-21T09:02:00.000Z' });
    const early = login({ id: 'early', time: '2026-11-21T09:01:00.000Z' });
    const { alerts } = applyRepeats([late, early], new Map(), Date.parse('2026-11-21T09:03:00Z'));
    expect(alerts.map((a) => [a.id, a.repeat ?? null])).toEqual([['late', { of: 'early', count: 1 }], ['early', null]]);
  });

  test('check --send-test-login twice in a row reaches the destinations twice: test logins are never repeats', () => {
    const test = login({ user: 'cdk-login-alerts-test', reasons: [TEST_LOGIN_REASON, 'SSH login'] });
    const { alerts, writes } = applyRepeats([test, { ...test, id: 'l2' }], new Map(), Date.parse('2026-11-21T09:03:00Z'));
    expect(alerts.map((a) => a.repeat ?? null)).toEqual([null, null]);
    expect(writes).toEqual([]);
  });

  test('key pushes and unparsed lines are never repeats', () => {
    const push = login({ kind: 'instance-connect' });
    const unparsed = login({ user: 'unknown' });
    const { alerts, writes } = applyRepeats([push, push, unparsed, unparsed], new Map(), Date.parse('2026-11-21T09:03:00Z'));
    expect(alerts.every((a) => a.repeat === undefined)).toBe(true);
    expect(writes).toEqual([]);
  });

  /** The second login's repeat (or null) when it follows the first within the window, in one delivery or the next. */
  function secondAfter(first: Alert, second: Alert) {
    const now = Date.parse('2026-11-21T09:05:00Z');
    const together = applyRepeats([first, second], new Map(), now).alerts[1].repeat ?? null;
    const earlier = applyRepeats([first], new Map(), now);
    const stored = new Map(earlier.writes.map((w) => [w.item.pk, w.item]));
    const apart = applyRepeats([second], stored, now).alerts[0].repeat ?? null;
    expect(apart).toEqual(together);
    return together;
  }
  const later = (overrides: Partial<Alert>) => login({ id: 'l2', time: '2026-11-21T09:00:22.000Z', ...overrides });

  test('the same login again is a repeat', () => {
    expect(secondAfter(login(), later({}))).toEqual({ of: 'l1', count: 1 });
  });

  test('a root console success 22 s after a root failure from the same place is its own alert, not a repeat', () => {
    const root = { kind: 'console' as const, user: 'root', host: undefined, method: undefined, principal: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' } };
    const failure = login({ ...root, outcome: 'failure', severity: 'high' });
    expect(secondAfter(failure, later({ ...root, outcome: 'success', severity: 'critical' }))).toBeNull();
  });

  test.each([
    ['a password login after a key login', { method: 'password', severity: 'high' as const }],
    ['another key', { keyFingerprint: 'SHA256:other' }],
    ['another certificate', { certificate: { keyId: 'mallory@example.com', serial: '9' } }],
    ['a sign-in without MFA after one with', { kind: 'console' as const, mfa: false }],
    ['another Session Manager document', { kind: 'ssm-session' as const, session: { document: 'AWS-StartPortForwardingSession' } }],
    ['another Session Manager target', { kind: 'ssm-session' as const, host: undefined, session: { target: 'i-0fffffffffffffff0' } }],
  ] as Array<[string, Partial<Alert>]>)('%s is not a repeat', (_, change) => {
    const base: Partial<Alert> = {
      keyFingerprint: 'SHA256:alice',
      certificate: { keyId: 'alice@example.com', serial: '1' },
      ...(change.kind && { kind: change.kind }),
      ...(change.kind === 'console' && { mfa: true, host: undefined }),
      ...(change.kind === 'ssm-session' && {
        host: undefined, session: { document: 'shell', target: 'i-0abc123def4567890' }, origin: { eventSource: 'ssm.amazonaws.com', eventName: 'StartSession', eventId: 'e1' },
      }),
    };
    const second = { ...base, ...change, session: change.session && { ...base.session, ...change.session } };
    expect(secondAfter(login(base), later(second))).toBeNull();
  });

  test('a login more severe than the first is not a repeat, and the ones after it repeat it', () => {
    const suppressedFirst = login({ severity: 'low' });
    const now = Date.parse('2026-11-21T09:05:00Z');
    const { alerts } = applyRepeats([suppressedFirst, later({ severity: 'high' }), login({ id: 'l3', time: '2026-11-21T09:00:40.000Z', severity: 'high' })], new Map(), now);
    expect(alerts.map((a) => a.repeat ?? null)).toEqual([null, null, { of: 'l2', count: 1 }]);
  });

  test('a less severe login repeats the first (a lower severity hides nothing)', () => {
    expect(secondAfter(login({ severity: 'high' }), later({ severity: 'medium' }))).toEqual({ of: 'l1', count: 1 });
  });

  test('an item written before severities were recorded makes nothing a repeat', () => {
    const first = applyRepeats([login()], new Map(), Date.parse('2026-11-21T09:05:00Z')).writes[0].item as RepeatItem;
    const { severity: _, ...old } = first;
    expect(applyRepeats([later({})], new Map([[old.pk, old]]), Date.parse('2026-11-21T09:05:00Z')).alerts[0].repeat).toBeUndefined();
  });
});
