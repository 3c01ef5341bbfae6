import { ledgerKey } from '../../../lambda/ingest/ledger/items';
import type { LedgerItem } from '../../../lambda/ingest/ledger/items';
import { ledgerKeys, linkThroughLedger } from '../../../lambda/ingest/ledger/links';
import type { Alert } from '../../../lambda/shared/alert';

/** Linking through the ledger's answers, without AWS: which keys are read, what links, what is written. */

const FP = 'SHA256:xHh4gcvsFH82tWQNsUOYw9h+15BoTSm43KU9zWgfh5Q';
/** The ledger keys of that key on that instance: hashed, like every key made from log text. */
const PUSH_KEY = ledgerKey('push', 'i-0abc123def4567890', FP);
const LOGIN_KEY = ledgerKey('login', 'i-0abc123def4567890', FP);
const at = (second: number) => `2026-05-20T06:01:${String(second).padStart(2, '0')}.000Z`;

function login(extra: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: 'login-1',
    kind: 'ssh',
    severity: 'medium',
    reasons: ['SSH login'],
    outcome: 'success',
    time: at(31),
    account: '111122223333',
    region: 'eu-west-1',
    user: 'ec2-user',
    summary: 's',
    keyFingerprint: FP,
    origin: { logGroup: '/g', logStream: 'i-0abc123def4567890', message: 'm' },
    host: { instanceId: 'i-0abc123def4567890' },
    ...extra,
  };
}
function push(extra: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: 'push-1',
    kind: 'instance-connect',
    severity: 'low',
    reasons: ['EC2 Instance Connect key push', 'no SSH login seen with it'],
    outcome: 'success',
    time: at(30),
    account: '111122223333',
    region: 'eu-west-1',
    user: 'ec2-user',
    osUser: 'ec2-user',
    summary: 's',
    keyFingerprint: FP,
    actor: { name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', via: 'iam' },
    session: { requestId: 'r-1' },
    origin: { eventSource: 'ec2-instance-connect.amazonaws.com', eventName: 'SendSSHPublicKey', eventId: 'push-1' },
    host: { instanceId: 'i-0abc123def4567890' },
    ...extra,
  };
}
const item = (value: LedgerItem) => new Map([[value.pk, value]]);
const NOW = Date.parse(at(40));

test('keys: a login asks for its key\'s push, a push for a login with its key, on the same instance', () => {
  expect(ledgerKeys([login(), push()])).toEqual([
    { pk: PUSH_KEY, sk: 'push' },
    { pk: LOGIN_KEY, sk: 'login' },
  ]);
  // Already attributed within its delivery: only whether CloudTrail already recorded its push (not to overwrite it).
  expect(ledgerKeys([login({ actor: { name: 'a', via: 'instance-connect' } })])).toEqual([{ pk: PUSH_KEY, sk: 'push' }]);
});

test('a login and an earlier push (from CloudTrail): the pusher, one level lower, the push named', () => {
  const found = item({ pk: PUSH_KEY, sk: 'push', at: Date.parse(at(30)), alertId: 'push-1', source: 'cloudtrail', expiresAt: 0, requestId: 'r-1', actor: { name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', via: 'iam' } });
  const { alerts, writes } = linkThroughLedger([login()], found, NOW);
  expect(alerts[0]).toMatchObject({ severity: 'low', actor: { name: 'alice', via: 'instance-connect' }, relatedAlertIds: ['push-1'], session: { requestId: 'r-1' } });
  expect(writes).toEqual([{ pk: LOGIN_KEY, sk: 'login', at: Date.parse(at(31)), alertId: 'login-1', user: 'ec2-user', expiresAt: Math.floor(NOW / 1000) + 900 }]);
});

test('a push and an earlier login: the push says which login it made possible', () => {
  const found = item({ pk: LOGIN_KEY, sk: 'login', at: Date.parse(at(31)), alertId: 'login-1', user: 'ec2-user', expiresAt: 0 });
  const { alerts, writes } = linkThroughLedger([push()], found, NOW);
  expect(alerts[0].relatedAlertIds).toEqual(['login-1']);
  expect(alerts[0].reasons).toEqual(['EC2 Instance Connect key push', 'SSH login seen: ec2-user, alert login-1']);
  expect(writes[0]).toMatchObject({ pk: PUSH_KEY, sk: 'push', source: 'cloudtrail', osUser: 'ec2-user', actor: { name: 'alice' } });
});

test.each([
  ['the key had expired (login 2 minutes after the push)', { at: Date.parse(at(30)) - 120_000 }],
  ['the login came before the push', { at: Date.parse(at(31)) + 10_000 }],
])('no link when %s', (_, change) => {
  const found = item({ pk: PUSH_KEY, sk: 'push', alertId: 'push-1', source: 'instance', expiresAt: 0, actor: { name: 'alice', via: 'instance-connect' }, ...change } as LedgerItem);
  const { alerts } = linkThroughLedger([login()], found, NOW);
  expect(alerts[0]).not.toHaveProperty('actor');
  expect(alerts[0]).not.toHaveProperty('relatedAlertIds');
});

test('no link across instances or fingerprints: the keys differ, so the answers never match', () => {
  const elsewhere = ledgerKeys([login({ host: { instanceId: 'i-0fff000000000000f' } })]);
  const otherKey = ledgerKeys([login({ keyFingerprint: 'SHA256:other' })]);
  expect(elsewhere[0].pk).not.toBe(ledgerKeys([login()])[0].pk);
  expect(otherKey[0].pk).not.toBe(ledgerKeys([login()])[0].pk);
});
