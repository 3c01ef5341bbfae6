import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { CloudTrailFake } from '../support/cloudtrail-fake';
import { awsConfig, createLedgerTable, createTopicWithQueue, receiveBodies } from '../support/estate';
import { cloudTrailEvent, encodeLogs, sshLine } from '../support/fixtures';
import { invokeBundle, type InvokeOptions } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * The reconciler, built bundle against moto (CloudWatch Logs, DynamoDB, SNS, SQS, EC2) and a local
 * CloudTrail fake (moto has no LookupEvents: test/support/cloudtrail-fake.ts, reached through the
 * SDK's AWS_ENDPOINT_URL_CLOUDTRAIL). Log lines are put straight into the log group, with no
 * subscription; the real-time path is the built ingest bundle, given some of the same records with
 * the ids CloudWatch Logs and CloudTrail gave them. Note: moto's FilterLogEvents ignores the
 * `%regex%` pattern and returns every line, so these runs also prove that noise is not alerted.
 */

const aws = useMotoWithCallCounter();
let trail: CloudTrailFake;
beforeAll(async () => { trail = await CloudTrailFake.start(); });
afterAll(async () => { await trail?.stop(); });

const ACCOUNT = '123456789012';
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:login-alerts-reconcile`;
const GROUP = '/ec2/var/log/secure';
const UBUNTU = 'ubuntu-22.04-auth.log';
const LOGIN_LINES = ['Accepted publickey for ubuntu', 'Accepted password for bob', 'Accepted keyboard-interactive/pam for carol'];
const NOISE_LINES = ['Failed password for invalid user admin', 'session opened for user ubuntu', 'COMMAND=/usr/bin/grep sshd.*Accepted'];
/** Lines an unauthenticated client makes sshd write: a chosen user name that reads as a login. */
const FORGED_LINES = [
  'Mar  5 14:03:07 ip-10-0-1-23 sshd[4242]: Invalid user x Accepted password for root from 10.9.8.7 port 22: z from 198.51.100.7 port 50022',
  'Mar  5 14:03:08 ip-10-0-1-23 sshd[4242]: Failed password for invalid user x Accepted password for root from 10.9.8.7 port 22: z from 198.51.100.7 port 50022 ssh2',
];

interface Stored { id: string; message: string; logStream: string; timestamp: number }

async function estate() {
  await aws.moto.reset();
  aws.counter.reset();
  trail.reset();
  const config = awsConfig(aws.moto.endpoint);
  await createLedgerTable(aws.moto.endpoint);
  const run = await new EC2Client(config).send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'bastion' }] }],
  }));
  const instanceId = run.Instances![0].InstanceId!;
  const { topicArn, queueUrl } = await createTopicWithQueue(aws.moto.endpoint, 'login-alerts');
  const logs = new CloudWatchLogsClient(config);
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: instanceId }));

  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: aws.counter.endpoint,
    AWS_ENDPOINT_URL_CLOUDTRAIL: trail.endpoint,
    ALERT_TOPIC_ARN: topicArn,
    LEDGER_TABLE_NAME: 'ledger',
    RECONCILE_LOG_GROUPS: GROUP,
    RECONCILE_REGIONS: 'eu-west-1,us-east-1',
    RECONCILE_EVENT_NAMES: 'ConsoleLogin,StartSession',
  };
  return {
    instanceId,
    env,
    /** Lines of the Ubuntu fixture written to the instance's stream, one second apart, from `minutesAgo`. */
    async putLines(needles: string[], minutesAgo: number, raw: string[] = []) {
      const first = Date.now() - minutesAgo * 60_000;
      const messages = [...needles.map((needle) => sshLine(UBUNTU, needle)), ...raw];
      await logs.send(new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: instanceId,
        logEvents: messages.map((message, i) => ({ timestamp: first + i * 1000, message })),
      }));
    },
    /** What CloudWatch Logs stored, with the event ids it gave each line (a subscription delivers the same ids). */
    async stored(): Promise<Stored[]> {
      const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP }));
      return events.map((e) => ({ id: e.eventId!, message: e.message!, logStream: e.logStreamName!, timestamp: e.timestamp! }));
    },
    /** The real-time path: the ingest bundle given these records, as a subscription and EventBridge would. */
    async ingest(lines: Stored[], trailEvents: Array<Record<string, unknown>> = []) {
      const deliveries = lines.map((line) => encodeLogs({
        messageType: 'DATA_MESSAGE',
        owner: ACCOUNT,
        logGroup: GROUP,
        logStream: line.logStream,
        subscriptionFilters: ['f'],
        logEvents: [{ id: line.id, timestamp: line.timestamp, message: line.message }],
      }));
      const ingested = await invokeBundle('ingest', [...deliveries, ...trailEvents], env);
      expect(ingested.invocations.map((i) => i.error)).toEqual([...deliveries, ...trailEvents].map(() => undefined));
    },
    reconcile(events = 1, options: InvokeOptions = {}, extraEnv: Record<string, string> = {}) {
      return invokeBundle('reconcile', Array.from({ length: events }, () => ({})), { ...env, ...extraEnv }, { functionArn: FUNCTION_ARN, ...options });
    },
    async alerts(): Promise<Alert[]> {
      return (await receiveBodies(aws.moto.endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message) as Alert);
    },
    async checkpoint(): Promise<{ through?: number; run?: { start: number; end: number; pending: unknown[] } }> {
      const { Item } = await new DynamoDBClient(config).send(new GetItemCommand({ TableName: 'ledger', Key: { pk: { S: 'reconcile#checkpoint' }, sk: { S: 'checkpoint' } } }));
      return JSON.parse(Item!.state.S!);
    },
  };
}

/** A CloudTrail record from a fixture, as event history holds it, `minutesAgo` old. */
function trailRecord(fixture: string, eventID: string, minutesAgo: number): Record<string, any> {
  const detail = cloudTrailEvent(fixture).detail;
  return { ...detail, eventID, eventTime: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') };
}

/** The EventBridge event the real-time path would have received for that record. */
function asEventBridge(record: Record<string, any>, fixture: string): Record<string, unknown> {
  return { ...cloudTrailEvent(fixture), id: `eb-${record.eventID}`, detail: record };
}

const count = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

test('logins the real-time path never saw are alerted by the next run, each once, even with two runs at once; the rest are not', async () => {
  const e = await estate();
  await e.putLines([...LOGIN_LINES, ...NOISE_LINES], 28, FORGED_LINES);
  const stored = await e.stored();
  const logins = stored.filter((s) => LOGIN_LINES.some((needle) => s.message.includes(needle)));
  expect(logins).toHaveLength(3);

  const rootSignIn = trailRecord('root-success-no-mfa', '7d3c5e1a-0001-4f00-9a00-000000000001', 25);
  const iamSignIn = trailRecord('iam-user-no-mfa', '7d3c5e1a-0002-4f00-9a00-000000000002', 24);
  const session = trailRecord('ssm-start-session-shell', '7d3c5e1a-0003-4f00-9a00-000000000003', 23);
  trail.add('us-east-1', rootSignIn as any);
  trail.add('eu-west-1', iamSignIn as any);
  trail.add('eu-west-1', session as any);

  // The real-time path saw the first SSH login and the IAM user's sign-in; nothing else arrived.
  await e.ingest([logins[0]], [asEventBridge(iamSignIn, 'iam-user-no-mfa')]);
  const realTime = await e.alerts();
  expect(realTime.map((a) => a.id).sort()).toEqual([logins[0].id, iamSignIn.eventID].sort());

  // moto applies a transaction without isolation (it copies the table, and restores the copy when a
  // condition fails, erasing a write that landed meanwhile); DynamoDB serializes them. The proxy
  // hands moto one DynamoDB request at a time, so the two runs race as they would on DynamoDB.
  aws.counter.serializeDynamoDb = true;
  const runs = await e.reconcile(2, { concurrency: 2 });
  expect(runs.invocations.map((i) => i.error)).toEqual([undefined, undefined]);
  const recovered = await e.alerts();
  const missing = [logins[1].id, logins[2].id, rootSignIn.eventID, session.eventID];
  expect(count(recovered.map((a) => a.id))).toEqual(new Map(missing.map((id) => [id, 1])));
  for (const alert of recovered) {
    expect(alertSchemaErrors(alert)).toEqual([]);
    expect(alert.reasons).toContain('recovered by reconciliation');
  }
  // Made exactly as ingest makes them: parsed, classified, enriched from EC2.
  const bob = recovered.find((a) => a.id === logins[1].id)!;
  expect(bob).toMatchObject({
    kind: 'ssh',
    user: 'bob',
    method: 'password',
    severity: 'high',
    sourceIp: '2001:db8::5',
    host: { instanceId: e.instanceId, name: 'bastion' },
    origin: { logGroup: GROUP, logStream: e.instanceId, message: logins[1].message },
  });
  expect(recovered.find((a) => a.id === rootSignIn.eventID)).toMatchObject({ kind: 'console', user: 'root', severity: 'critical', region: 'us-east-1' });
  expect(recovered.find((a) => a.id === session.eventID)).toMatchObject({ kind: 'ssm-session', actor: { name: 'alice@example.com' } });
  // One line per recovery: what the recovery alarm counts.
  expect(runs.logs.split('\n').filter((l) => l.includes('"login recovered by reconciliation"'))).toHaveLength(4);
  const summaries = runs.invocations.map((i) => i.result as { recovered: number; alerted: number; heldElsewhere: number; complete: boolean });
  expect(summaries.reduce((sum, s) => sum + s.recovered, 0)).toBe(4);
  expect(summaries.every((s) => s.complete)).toBe(true);

  // Two LookupEvents per event name per run, in each region. Their spacing (CloudTrail allows two a
  // second per region) is the pacer's, tested with an injected clock in test/reconcile/pacer.test.ts:
  // arrival times here would measure the machine's load, not the pacer.
  for (const region of ['eu-west-1', 'us-east-1']) expect(trail.calls.filter((c) => c.region === region)).toHaveLength(4);

  // A later run reads the last 20 minutes again (the overlap) and alerts nothing twice.
  const again = await e.reconcile();
  expect(again.invocations[0].result).toMatchObject({ recovered: 0, alerted: 6 });
  expect(await e.alerts()).toEqual([]);
});

test('a run cut by its time budget saves its place; the next run finishes the window; the one after starts where it ended', async () => {
  const e = await estate();
  await e.putLines(LOGIN_LINES, 40);
  await e.putLines(['Accepted publickey for ubuntu', 'Accepted password for bob'], 20);
  const logins = (await e.stored()).filter((s) => s.message.includes('Accepted'));
  expect(logins).toHaveLength(5);

  // Two events a page; the budget (90 s reserve) allows the lease reading and one page, then runs out.
  const cut = await e.reconcile(1, { remainingTimesMs: [900_000, 900_000, 10_000] }, { RECONCILE_PAGE_SIZE: '2', RECONCILE_EVENT_NAMES: '' });
  expect(cut.invocations[0].result).toMatchObject({ complete: false, pages: 1, recovered: 2 });
  const saved = await e.checkpoint();
  expect(saved.through).toBeUndefined();
  expect(saved.run?.pending).toEqual([{ source: { kind: 'logs', logGroup: GROUP }, nextToken: expect.any(String) }]);

  const resumed = await e.reconcile(1, {}, { RECONCILE_PAGE_SIZE: '2', RECONCILE_EVENT_NAMES: '' });
  expect(resumed.invocations[0].result).toMatchObject({ complete: true, recovered: 3 });
  expect(count((await e.alerts()).map((a) => a.id))).toEqual(new Map(logins.map((l) => [l.id, 1])));
  const done = await e.checkpoint();
  expect(done.run).toBeUndefined();
  // The resumed window ended where the cut run planned it; the same run then read up to now - settle.
  expect(done.through).toBeGreaterThan(saved.run!.end);
  const windows = (resumed.invocations[0].result as { windows: Array<{ start: number; end: number }> }).windows;
  expect(windows).toHaveLength(2);
  expect(windows[0]).toEqual({ start: saved.run!.start, end: saved.run!.end });
  expect(windows[1].start).toBe(saved.run!.end - 20 * 60_000);

  // A new line older than the overlap reaches back would not be seen; one within it is.
  await e.putLines(['Accepted keyboard-interactive/pam for carol'], 15);
  const next = await e.reconcile(1, {}, { RECONCILE_EVENT_NAMES: '' });
  expect(next.invocations[0].result).toMatchObject({ recovered: 1 });
  const [carol] = await e.alerts();
  expect(carol).toMatchObject({ user: 'carol', reasons: expect.arrayContaining(['recovered by reconciliation']) });
});

test('FilterLogEvents throttling is retried with backoff; throttling that outlasts the retries leaves the log group for the next run', async () => {
  const e = await estate();
  await e.putLines(LOGIN_LINES, 30);
  aws.counter.throttling.set('FilterLogEvents', 3);
  const throttled = await e.reconcile(1, {}, { RECONCILE_EVENT_NAMES: '' });
  expect(throttled.invocations[0].error).toBeUndefined();
  expect(aws.counter.throttled.get('FilterLogEvents')).toBe(3);
  expect(throttled.invocations[0].result).toMatchObject({ complete: true, recovered: 3 });

  const e2 = await estate();
  await e2.putLines(LOGIN_LINES, 30);
  aws.counter.throttling.set('FilterLogEvents', 1_000);
  const stuck = await e2.reconcile(1, {}, { RECONCILE_EVENT_NAMES: '', AWS_MAX_ATTEMPTS: '3' });
  expect(stuck.invocations[0].result).toMatchObject({ complete: false, recovered: 0, problems: 0 });
  expect(aws.counter.throttled.get('FilterLogEvents')).toBe(3);
  expect(stuck.logs).toContain('reconciliation source throttled past retries: the next run resumes it');
  expect((await e2.checkpoint()).run?.pending).toEqual([{ source: { kind: 'logs', logGroup: GROUP } }]);

  aws.counter.throttling.clear();
  const next = await e2.reconcile(1, {}, { RECONCILE_EVENT_NAMES: '', AWS_MAX_ATTEMPTS: '3' });
  expect(next.invocations[0].result).toMatchObject({ recovered: 3 });
  expect(await e2.alerts()).toHaveLength(3);
});

test('a log group that is gone, a region that denies access and a malformed record are logged; the rest of the run goes on', async () => {
  const e = await estate();
  await e.putLines(LOGIN_LINES.slice(0, 1), 30);
  trail.deniedRegions.add('us-east-1');
  const session = trailRecord('ssm-start-session-shell', '7d3c5e1a-0004-4f00-9a00-000000000004', 22);
  trail.add('eu-west-1', session as any);
  trail.add('eu-west-1', { ...session, eventID: '7d3c5e1a-0005-4f00-9a00-000000000005' } as any, '{"eventID": "7d3c5e1a-0005-4f00-9a00-0000000');

  const run = await e.reconcile(1, {}, { RECONCILE_LOG_GROUPS: `/ec2/decommissioned,${GROUP}`, RECONCILE_EVENT_NAMES: 'StartSession' });
  expect(run.invocations[0].error).toBeUndefined();
  expect(run.invocations[0].result).toMatchObject({ complete: true, recovered: 2, problems: 3 });
  const problems = run.logs.split('\n').filter((l) => l.includes('"reconciliation problem"')).map((l) => JSON.parse(l));
  expect(problems.map((p) => [p.problem, p.source ?? p.recordId])).toEqual([
    ['source unreadable', 'log group /ec2/decommissioned'],
    ['record unreadable', '7d3c5e1a-0005-4f00-9a00-000000000005'],
    ['source unreadable', 'CloudTrail StartSession in us-east-1'],
  ]);
  expect(problems[0].reason).toMatch(/ResourceNotFoundException/);
  expect(problems[1].reason).toMatch(/not JSON/);
  expect(problems[2].reason).toMatch(/AccessDeniedException/);
  expect((await e.alerts()).map((a) => a.kind).sort()).toEqual(['ssh', 'ssm-session']);
});
