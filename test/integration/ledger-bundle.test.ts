import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { dynamoLedger } from '../../lambda/ingest/ledger/table';
import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createLedgerTable, createTopicWithQueue, receiveBodies } from '../support/estate';
import { cloudTrailEvent, encodeLogs, logsPayload, sshLine, sshLines } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * The login ledger across deliveries: the built ingest bundle against moto's DynamoDB, EC2 and SNS.
 * A key push and the SSH login that used the key link in whichever order they arrive, in separate
 * invocations; with the ledger failing, alerts still go out, saying so.
 */

const aws = useMotoWithCallCounter();
const FILE = 'amazon-linux-2023-instance-connect.log';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123abcd4567ef89/alice@example.com';

async function estate() {
  await aws.moto.reset();
  aws.counter.reset();
  await createLedgerTable(aws.moto.endpoint);
  const run = await new EC2Client(awsConfig(aws.moto.endpoint)).send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }] }],
  }));
  const { topicArn, queueUrl } = await createTopicWithQueue(aws.moto.endpoint, 'login-alerts');
  const instanceId = run.Instances![0].InstanceId!;
  const env = { AWS_ENDPOINT_URL: aws.counter.endpoint, ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'ledger' };
  /** One delivery of fixture lines from the instance, stamped with the times the lines show. */
  const delivery = (needles: string[], idPrefix: string) => {
    const payload = logsPayload(needles.map((n) => sshLine(FILE, n)), { logStream: instanceId, idPrefix });
    return encodeLogs({ ...payload, logEvents: payload.logEvents.map((e) => ({ ...e, timestamp: Date.parse(`2026 ${e.message.slice(0, 15)} UTC`) })) });
  };
  const alerts = async (): Promise<Alert[]> => (await receiveBodies(aws.moto.endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message));
  return { instanceId, env, delivery, alerts };
}

test('a push line in one delivery, the login in the next: the login is attributed to the pusher and names the push', async () => {
  const { env, delivery, alerts } = await estate();
  const run = await invokeBundle('ingest', [delivery(['request-id: 25eac5d1'], 'push-'), delivery(['sshd[1290]: Accepted'], 'login-')], env);
  expect(run.invocations.map((i) => i.result)).toEqual([{ alerts: 1, linesRead: 1 }, { alerts: 1, linesRead: 1 }]);
  const received = await alerts();
  for (const alert of received) expect(alertSchemaErrors(alert)).toEqual([]);
  const login = received.find((a) => a.kind === 'ssh')!;
  expect(login).toMatchObject({
    actor: { name: 'alice@example.com', arn: ALICE, via: 'instance-connect' },
    severity: 'low',
    relatedAlertIds: ['push-0000'],
    session: { requestId: '25eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f70' },
    host: { name: 'web-1' },
    summary: expect.stringMatching(/^\[LOW\] SSH login: ec2-user@web-1/),
  });
});

test('the login first, CloudTrail\'s SendSSHPublicKey minutes later: the push alert names the login it made possible', async () => {
  const { instanceId, env, delivery, alerts } = await estate();
  const trail = cloudTrailEvent('eic-send-ssh-public-key');
  trail.detail.requestParameters.instanceId = instanceId;
  trail.detail.eventTime = '2026-05-20T06:01:30Z';
  const run = await invokeBundle('ingest', [delivery(['sshd[1290]: Accepted'], 'login-'), trail], env);
  expect(run.invocations.map((i) => i.error)).toEqual([undefined, undefined]);
  const push = (await alerts()).find((a) => a.kind === 'instance-connect')!;
  expect(push).toMatchObject({ relatedAlertIds: ['login-0000'], osUser: 'ec2-user' });
  expect(push.reasons).toContain('SSH login seen: ec2-user, alert login-0000');
  expect(push.reasons).not.toContain('no SSH login seen with it');
});

test('never linked outside the key\'s life: bob\'s push and a login with his key three minutes later stay apart', async () => {
  const { env, delivery, alerts } = await estate();
  await invokeBundle('ingest', [delivery(['request-id: 45eac5d1'], 'push-'), delivery(['sshd[1500]: Accepted'], 'login-')], env);
  const login = (await alerts()).find((a) => a.kind === 'ssh')!;
  expect(login).not.toHaveProperty('actor');
  expect(login).not.toHaveProperty('relatedAlertIds');
});

test('the ledger failing: alerts go out on time without its links, with the reason, and the function logs it', async () => {
  const { env, delivery, alerts } = await estate();
  aws.counter.failing.add('BatchGetItem');
  const run = await invokeBundle('ingest', [delivery(['sshd[1290]: Accepted'], 'login-')], env);
  expect(run.invocations[0].result).toEqual({ alerts: 1, linesRead: 1 });
  const [login] = await alerts();
  expect(login.reasons).toContain('login ledger unavailable: not linked across deliveries');
  expect(run.logs).toMatch(/"message":"login ledger unavailable"/);
});

test('one delivery reads the ledger in batches of 100 keys, writes in batches of 25, counts repeats in one transaction', async () => {
  const { env } = await estate();
  aws.counter.reset();
  // 30 logins by 30 users from 30 sources on one instance, each with its own key. To read: 30 push
  // keys, 30 (person, source) and 30 person history keys, 30 repeat counters = 120 keys, two
  // BatchGetItem of up to 100. To write: 30 login items and 60 history items = 90, four
  // BatchWriteItem of up to 25; 30 repeat counters, one TransactWriteItems of up to 100. Once
  // published, the 30 records the reconciler checks: two more BatchWriteItem.
  const lines = Array.from({ length: 30 }, (_, n) => `May 20 06:02:${String(n).padStart(2, '0')} ip-10-0-1-23 sshd[${n}]: Accepted publickey for u${n} from 192.0.2.${n} port 22 ssh2: ED25519 SHA256:${'k'.repeat(40)}${n}`);
  await invokeBundle('ingest', [encodeLogs(logsPayload(lines, { logStream: 'i-0abc123def4567890', idPrefix: 'many-' }))], { ...env, ENRICH_INSTANCES: 'false' });
  expect(aws.counter.count('BatchGetItem')).toBe(2);
  expect(aws.counter.count('BatchWriteItem')).toBe(6);
  expect(aws.counter.count('TransactWriteItems')).toBe(1);
});

test('a line with a 1,000-character fingerprint of multi-byte characters takes no other login\'s ledger items with it', async () => {
  const { env } = await estate();
  // 1,000 € are 3,000 bytes: a key built from them unhashed exceeds DynamoDB's 2,048, and DynamoDB
  // then refuses the whole BatchWriteItem, with the history and link items of every login in it.
  const lines = [
    `May 20 06:02:01 ip-10-0-1-23 sshd[1]: Accepted publickey for eve from 192.0.2.66 port 22 ssh2: ED25519 SHA256:${'€'.repeat(1000)}`,
    'May 20 06:02:02 ip-10-0-1-23 sshd[2]: Accepted publickey for alice from 192.0.2.7 port 22 ssh2: ED25519 SHA256:alicekey',
  ];
  const run = await invokeBundle('ingest', [encodeLogs(logsPayload(lines, { logStream: 'i-0abc123def4567890', idPrefix: 'long-' }))], { ...env, ENRICH_INSTANCES: 'false' });
  expect(run.invocations[0].result).toEqual({ alerts: 2, linesRead: 2 });
  expect(run.logs).not.toMatch(/"message":"login ledger unavailable"/);
  const { Items = [] } = await new DynamoDBClient(awsConfig(aws.moto.endpoint)).send(new ScanCommand({ TableName: 'ledger' }));
  const kinds = Items.map((i) => i.sk.S).sort();
  // Each login: its link (login), history (source, person), repeat counter; each record: alert.
  expect(kinds).toEqual(['alert', 'alert', 'login', 'login', 'person', 'person', 'repeat', 'repeat', 'source', 'source']);
  expect(Math.max(...Items.map((i) => Buffer.byteLength(i.pk.S!)))).toBeLessThan(64);
});

test('an item DynamoDB refuses is lost alone: the batch is split until it stands alone, every other item is written, the error names it', async () => {
  await estate();
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL: aws.moto.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  try {
    const ledger = dynamoLedger('ledger', async () => undefined);
    const good = Array.from({ length: 30 }, (_, n) => ({ pk: `source#ok${n}`, sk: 'source' as const, lastSeen: n, expiresAt: 2_000_000_000 }));
    const bad = { pk: `source#${'x'.repeat(3000)}`, sk: 'source' as const, lastSeen: 0, expiresAt: 2_000_000_000 };
    await expect(ledger.put([...good.slice(0, 12), bad, ...good.slice(12)])).rejects.toThrow(/^DynamoDB refused 1 of 31 items \(the rest were written\): source#x{10}/);
    const { Items = [] } = await new DynamoDBClient(awsConfig(aws.moto.endpoint)).send(new ScanCommand({ TableName: 'ledger' }));
    expect(Items.map((i) => i.pk.S).sort()).toEqual(good.map((g) => g.pk).sort());
  } finally {
    process.env = saved;
  }
});

describe('one Instance Connect push logged twice, the second line in a later delivery', () => {
  const TWICE = sshLines('ubuntu-24.04-instance-connect-twice.log');
  const deliveryOf = (lines: string[], idPrefix: string) => {
    const payload = logsPayload(lines, { logStream: 'i-0abc123def4567890', idPrefix });
    return encodeLogs({ ...payload, logEvents: payload.logEvents.map((e) => ({ ...e, timestamp: Date.parse(e.message.split(' ')[0]) })) });
  };

  test('after the login it made possible: a repeat of the login\'s alert, which filtered destinations leave out', async () => {
    const { env, alerts } = await estate();
    // The first line and the login in one delivery; the second line (same request-id) in the next.
    const run = await invokeBundle('ingest', [deliveryOf([TWICE[1], TWICE[4]], 'a-'), deliveryOf([TWICE[3]], 'b-')], { ...env, ENRICH_INSTANCES: 'false' });
    expect(run.invocations.map((i) => i.error)).toEqual([undefined, undefined]);
    const received = (await alerts()).sort((x, y) => x.id.localeCompare(y.id));
    expect(received.map((a) => [a.id, a.kind, a.severity, a.repeat ?? null])).toEqual([
      ['a-0001', 'ssh', 'critical', null],
      ['b-0000', 'instance-connect', 'critical', { of: 'a-0001', count: 1 }],
    ]);
  });

  test('with no login yet: the second line repeats the first line\'s alert', async () => {
    const { env, alerts } = await estate();
    const run = await invokeBundle('ingest', [deliveryOf([TWICE[6]], 'a-'), deliveryOf([TWICE[7]], 'b-')], { ...env, ENRICH_INSTANCES: 'false' });
    expect(run.invocations.map((i) => i.error)).toEqual([undefined, undefined]);
    const received = (await alerts()).sort((x, y) => x.id.localeCompare(y.id));
    expect(received.map((a) => [a.id, a.repeat ?? null])).toEqual([['a-0000', null], ['b-0000', { of: 'a-0000', count: 1 }]]);
  });
});
