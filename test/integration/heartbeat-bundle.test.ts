import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HEARTBEATS_KEY } from '../../lambda/host-coverage/heartbeats';
import type { Alert } from '../../lambda/shared/alert';
import { AlertDestination, LoginAlerts, SlackWebhook } from '../../src';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { subscribeQueue } from '../support/delivery-estate';
import { awsConfig, createLedgerTable, createTopicWithQueue, lambdaEventFromNotification, receiveBodies } from '../support/estate';
import { invokeBundle } from '../support/invoke-bundle';
import { LambdaInvokeFake } from '../support/lambda-invoke-fake';
import { alertSchemaErrors } from '../support/schema';

/**
 * The heartbeat through the real path, on moto: a member deployment's coverage bundle invokes its
 * own ingest bundle (Lambda Invoke, answered by a local fake that runs the ingest bundle: moto runs
 * functions only in Docker), which publishes to the central topic; the central coverage bundle gets
 * it through the subscription the construct synthesizes (its filter policy, on a moto queue) and
 * records it in the central ledger; a default Slack destination's filter policy lets none through.
 * Then the central run names a deployment silent once its heartbeat is older than the silence:
 * the test dates the recorded heartbeat back, as 25 hours without one would leave it.
 */

const aws = useMotoWithCallCounter();
const CENTRAL = '123456789012';
const MEMBER = '210987654321';
const NEVER = '333333333333';
const HOUR = 3_600_000;

/** The subscriptions the construct makes on its created topic: the coverage function's and a default Slack destination's. */
function synthesizedPolicies(): { recorder: string; slack: string } {
  const stack = new Stack(new App(), 'Central', { env: { account: CENTRAL, region: 'eu-west-1' } });
  new LoginAlerts(stack, 'LoginAlerts', {
    organizationId: 'o-a1b2c3d4e5',
    coverage: { memberAccounts: [MEMBER, NEVER] },
    destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'slack')) })],
  });
  const template = Template.fromStack(stack);
  const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
  const functionOf = (s: any) => template.toJSON().Resources[s.Endpoint['Fn::GetAtt'][0]].Properties.Description as string;
  const policy = (pattern: RegExp) => JSON.stringify(subscriptions.find((s) => s.Protocol === 'lambda' && pattern.test(functionOf(s)) && s.FilterPolicy)!.FilterPolicy);
  return { recorder: policy(/names the running instances/), slack: policy(/posts login alerts to Slack/) };
}

interface Estate {
  topicArn: string;
  /** Every message on the topic, unfiltered (a user's own subscriber). */
  inbox: string;
  recorderQueue: string;
  slackQueue: string;
  lambdaFake: LambdaInvokeFake;
  coverageEnv(extra: Record<string, string>): Record<string, string>;
}

async function estate(): Promise<Estate> {
  await aws.moto.reset();
  aws.counter.reset();
  const endpoint = aws.moto.endpoint;
  await createLedgerTable(endpoint, 'central-ledger');
  await createLedgerTable(endpoint, 'member-ledger');
  const { topicArn, queueUrl: inbox } = await createTopicWithQueue(endpoint, 'alerts');
  const policies = synthesizedPolicies();
  const recorderQueue = await subscribeQueue(endpoint, topicArn, 'recorder', policies.recorder);
  const slackQueue = await subscribeQueue(endpoint, topicArn, 'slack', policies.slack);
  // The member's ingest function, as Lambda would run it when its coverage function invokes it.
  const lambdaFake = await LambdaInvokeFake.start(async (name, payload) => {
    expect(name).toBe(`arn:aws:lambda:eu-west-1:${MEMBER}:function:member-ingest`);
    const run = await invokeBundle('ingest', [payload], { AWS_ENDPOINT_URL: aws.counter.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false' }, {
      functionArn: name,
    });
    if (run.invocations[0].error) throw Object.assign(new Error(run.invocations[0].error.message), { name: run.invocations[0].error.name });
    return run.invocations[0].result;
  });
  return {
    topicArn,
    inbox,
    recorderQueue,
    slackQueue,
    lambdaFake,
    coverageEnv: (extra) => ({
      AWS_ENDPOINT_URL: aws.counter.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambdaFake.url,
      ALERT_TOPIC_ARN: topicArn,
      COVERAGE_REGIONS: 'eu-west-1',
      COVERAGE_SYSTEMS_MANAGER: 'false',
      ...extra,
    }),
  };
}

const ledger = () => DynamoDBDocumentClient.from(new DynamoDBClient(awsConfig(aws.moto.endpoint)));
const storedBeats = async (): Promise<Record<string, number>> =>
  JSON.parse((await ledger().send(new GetCommand({ TableName: 'central-ledger', Key: HEARTBEATS_KEY }))).Item?.state ?? '{}');

async function centralRun(e: Estate): Promise<{ summary: any; logs: string }> {
  const run = await invokeBundle('host-coverage', [{}], e.coverageEnv({
    LEDGER_TABLE_NAME: 'central-ledger',
    COVERAGE_RECORDS_HEARTBEATS: 'true',
    COVERAGE_HEARTBEAT_SILENT_AFTER_SECONDS: String(24 * 3600),
    COVERAGE_MEMBER_ACCOUNTS: `${MEMBER},${NEVER}`,
  }), { functionArn: `arn:aws:lambda:eu-west-1:${CENTRAL}:function:central-coverage`, timeoutMs: 600_000 });
  expect(run.invocations[0].error).toBeUndefined();
  return { summary: run.invocations[0].result, logs: run.logs };
}

let e: Estate;
afterEach(() => e?.lambdaFake.stop());

test('a member\'s heartbeat reaches the central ledger through its ingest function and the topic; a stopped one is named and counted for the alarm', async () => {
  e = await estate();
  // The member's coverage run ends with its heartbeat, through its own ingest function.
  const member = await invokeBundle('host-coverage', [{}], e.coverageEnv({
    LEDGER_TABLE_NAME: 'member-ledger',
    COVERAGE_INGEST_FUNCTION: `arn:aws:lambda:eu-west-1:${MEMBER}:function:member-ingest`,
  }), { functionArn: `arn:aws:lambda:eu-west-1:${MEMBER}:function:member-coverage`, timeoutMs: 600_000 });
  expect(member.invocations[0].result).toMatchObject({ heartbeatSent: true });
  expect(e.lambdaFake.invocations.map((i) => i.payload)).toEqual([{ 'cdk-login-alerts': 'heartbeat' }]);

  // The subscription's filter lets the heartbeat, and only it, through to the coverage function.
  const notifications = await receiveBodies(aws.moto.endpoint, e.recorderQueue);
  const heartbeats = notifications.map((n) => JSON.parse(JSON.parse(n).Message) as Alert);
  expect(heartbeats.map((h) => [h.kind, h.account, h.region])).toEqual([['heartbeat', MEMBER, 'eu-west-1']]);
  expect(alertSchemaErrors(heartbeats[0])).toEqual([]);
  // A person's destination never sees it (its coverage alert, about its own region's sources, it does).
  expect((await receiveBodies(aws.moto.endpoint, e.slackQueue)).map((n) => JSON.parse(JSON.parse(n).Message).kind)).not.toContain('heartbeat');

  const recorded = await invokeBundle('host-coverage', notifications.map((n) => lambdaEventFromNotification(n)), e.coverageEnv({ LEDGER_TABLE_NAME: 'central-ledger' }));
  expect(recorded.invocations[0].result).toEqual({ recorded: 1, rejected: 0 });
  const beats = await storedBeats();
  expect(Object.keys(beats)).toEqual([`${MEMBER}/eu-west-1`]);
  expect(beats[`${MEMBER}/eu-west-1`]).toBe(Date.parse(heartbeats[0].time));

  // The central run: the member is alive; the expected account that never sent one is named.
  const first = await centralRun(e);
  expect(first.summary).toMatchObject({ silentAccounts: 1 });
  const centralReports = async () => (await receiveBodies(aws.moto.endpoint, e.inbox))
    .map((n) => JSON.parse(JSON.parse(n).Message) as Alert).filter((a) => a.kind === 'coverage' && a.account === CENTRAL);
  const [report] = await centralReports();
  expect(report.coverage!.silentAccounts).toEqual([{ account: NEVER, reason: expect.stringContaining('never sent a heartbeat') }]);
  expect(alertSchemaErrors(report)).toEqual([]);

  // 25 hours without a heartbeat from the member: named, newly, and counted in the line the alarm reads.
  await ledger().send(new PutCommand({
    TableName: 'central-ledger',
    Item: { ...HEARTBEATS_KEY, state: JSON.stringify({ [`${MEMBER}/eu-west-1`]: Date.now() - 25 * HOUR }), version: 99, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
  }));
  const stopped = await centralRun(e);
  expect(stopped.summary).toMatchObject({ silentAccounts: 2 });
  const runLine = stopped.logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.message === 'coverage run');
  expect(runLine).toMatchObject({ silentAccounts: 2 });
  const [silent] = await centralReports();
  expect(silent.coverage!.newlyUncovered).toEqual([`heartbeat: ${MEMBER}/eu-west-1`]);
  expect(silent.coverage!.silentAccounts.map((a) => [a.account, a.region])).toEqual([[MEMBER, 'eu-west-1'], [NEVER, undefined]]);
  expect(silent.coverage!.silentAccounts[0].reason).toContain('no heartbeat since');
});

test('heartbeats of four members arriving at once are all recorded (separate processes; conflicting writes retried)', async () => {
  e = await estate();
  aws.counter.serializeDynamoDb = true;
  const accounts = ['111111111111', '222222222222', '444444444444', '555555555555'];
  const notification = (account: string) => JSON.stringify({
    Type: 'Notification',
    MessageId: `m-${account}`,
    TopicArn: e.topicArn,
    Message: JSON.stringify({ kind: 'heartbeat', account, region: 'eu-west-1', time: new Date().toISOString() }),
    MessageAttributes: { kind: { Type: 'String', Value: 'heartbeat' } },
  });
  const startAt = Date.now() + 3_000;
  const runs = await Promise.all(accounts.map((account) =>
    invokeBundle('host-coverage', [lambdaEventFromNotification(notification(account))], e.coverageEnv({ LEDGER_TABLE_NAME: 'central-ledger' }), { startAt })));
  for (const run of runs) expect(run.invocations[0]).toMatchObject({ result: { recorded: 1, rejected: 0 } });
  expect(Object.keys(await storedBeats()).sort()).toEqual(accounts.map((a) => `${a}/eu-west-1`));
});

test('a message on the heartbeat subscription that is not a heartbeat is dropped with why, never recorded', async () => {
  e = await estate();
  const forged = JSON.stringify({ Type: 'Notification', MessageId: 'm', TopicArn: e.topicArn, Message: JSON.stringify({ kind: 'heartbeat', account: '../../etc', region: 'eu-west-1', time: 'now' }) });
  const run = await invokeBundle('host-coverage', [lambdaEventFromNotification(forged)], e.coverageEnv({ LEDGER_TABLE_NAME: 'central-ledger' }));
  expect(run.invocations[0].result).toEqual({ recorded: 0, rejected: 1 });
  expect(run.logs).toContain('not a heartbeat: dropped');
  expect(await storedBeats()).toEqual({});
});
