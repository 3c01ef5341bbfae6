import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createLedgerTable, createQueue, createTopicWithQueue, receiveBodies, slackFilterPolicy } from '../support/estate';
import { cloudTrailEvent, encodeLogs, logsPayload } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * Repeats and login history through the login ledger: the built ingest bundle against moto's
 * DynamoDB (conditional transactions), SNS and SQS. Every login reaches the topic; a subscriber
 * with the filter policy the construct synthesizes for Slack sees the first of a burst, not its
 * repeats. Concurrent invocations count each repeat once.
 */

const aws = useMotoWithCallCounter();

async function estate(options: { table?: boolean } = {}) {
  const moto = aws.moto;
  await moto.reset();
  aws.counter.reset();
  if (options.table !== false) {
    await createLedgerTable(moto.endpoint);
  }
  const { topicArn, queueUrl: audit } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const slack = await createQueue(moto.endpoint, 'slack-inbox');
  await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: slack.arn, Attributes: { FilterPolicy: slackFilterPolicy() },
  }));
  const env = { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'ledger', ENRICH_INSTANCES: 'false' };
  const read = async (queueUrl: string): Promise<Alert[]> => (await receiveBodies(moto.endpoint, queueUrl))
    .map((b) => JSON.parse(JSON.parse(b).Message) as Alert).sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
  return { env, audit: () => read(audit), slack: () => read(slack.url) };
}

/** One delivery from web-1's log stream: [time, user, source] per login, ids `<prefix>-NNNN`. */
function delivery(prefix: string, logins: Array<[string, string, string]>) {
  const payload = logsPayload(logins.map(([time, user, ip], n) =>
    `${time}Z web-1 sshd[${n}]: Accepted publickey for ${user} from ${ip} port 5${n} ssh2`), { logStream: 'i-0abc123def4567890', idPrefix: `${prefix}-` });
  return encodeLogs({ ...payload, logEvents: payload.logEvents.map((e, n) => ({ ...e, timestamp: Date.parse(`${logins[n][0]}Z`) })) });
}

test('a burst of the same login is one alert for Slack; a new source for a known person is raised; the window ends', async () => {
  const { env, audit, slack } = await estate();
  const runs = await invokeBundle('ingest', [
    delivery('a', [['2026-11-21T09:00:00', 'alice', '203.0.113.7']]),
    delivery('b', [['2026-11-21T09:03:00', 'alice', '203.0.113.7'], ['2026-11-21T09:05:00', 'alice', '203.0.113.7']]),
    delivery('c', [['2026-11-21T09:06:00', 'alice', '198.51.100.9']]),
    delivery('d', [['2026-11-21T09:20:00', 'alice', '203.0.113.7']]),
  ], env);
  expect(runs.invocations.map((i) => i.error)).toEqual([undefined, undefined, undefined, undefined]);
  const all = await audit();
  for (const alert of all) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(all.map((a) => [a.id, a.severity, a.repeat ?? null, a.history])).toEqual([
    // Nobody knew alice yet: history, but no raise (a fresh ledger would page on everyone).
    ['a-0000', 'medium', null, { firstSeenSource: true }],
    ['b-0000', 'medium', { of: 'a-0000', count: 1 }, { firstSeenSource: false, lastSeen: '2026-11-21T09:00:00.000Z' }],
    ['b-0001', 'medium', { of: 'a-0000', count: 2 }, { firstSeenSource: false, lastSeen: '2026-11-21T09:03:00.000Z' }],
    // Another source is not a repeat, and alice has never come from it: one level up.
    ['c-0000', 'high', null, { firstSeenSource: true }],
    // Fifteen minutes after the first: the window of ten has ended, a new first.
    ['d-0000', 'medium', null, { firstSeenSource: false, lastSeen: '2026-11-21T09:05:00.000Z' }],
  ]);
  expect(all[0].reasons).toEqual(['SSH login']);
  expect(all[1].reasons.at(-1)).toBe('repeat 1 of alert a-0000 (same login by the same user, host and source within 10 minutes)');
  expect(all[3].reasons).toContain('source 198.51.100.9 not seen for alice in 90 days');
  expect((await slack()).map((a) => a.id)).toEqual(['a-0000', 'c-0000', 'd-0000']);
});

test('a root sign-in 22 s after a failed one from the same address reaches filtered destinations: a success never repeats a failure', async () => {
  const { env, audit, slack } = await estate();
  // AWS's own shapes: the failure at 08:00:40, the success at 08:01:02, both from 192.0.2.101.
  const runs = await invokeBundle('ingest', [cloudTrailEvent('root-failure'), cloudTrailEvent('root-success-no-mfa')], env);
  expect(runs.invocations.map((i) => i.error)).toEqual([undefined, undefined]);
  expect((await audit()).map((a) => [a.outcome, a.severity, a.repeat ?? null])).toEqual([['failure', 'high', null], ['success', 'critical', null]]);
  expect((await slack()).map((a) => a.outcome)).toEqual(['failure', 'success']);
});

test('concurrent invocations count each repeat once: one first, repeats 1 to 5', async () => {
  const { env, audit } = await estate();
  const deliveries = Array.from({ length: 6 }, (_, n) => delivery(`p${n}`, [[`2026-11-21T10:00:0${n}`, 'deploy', '192.0.2.44']]));
  // moto applies a transaction without isolation; DynamoDB serializes them. Through the proxy, moto
  // gets one DynamoDB request at a time and the six invocations race as they would on DynamoDB.
  aws.counter.serializeDynamoDb = true;
  const runs = await invokeBundle('ingest', deliveries, { ...env, AWS_ENDPOINT_URL: aws.counter.endpoint }, { concurrency: 6 });
  expect(runs.invocations.every((i) => i.error === undefined)).toBe(true);
  const all = await audit();
  const firsts = all.filter((a) => !a.repeat);
  expect(firsts).toHaveLength(1);
  expect(all.filter((a) => a.repeat).map((a) => a.repeat!.of)).toEqual(Array(5).fill(firsts[0].id));
  expect(all.filter((a) => a.repeat).map((a) => a.repeat!.count).sort()).toEqual([1, 2, 3, 4, 5]);
});

test('REPEAT_WINDOW_SECONDS=0 and HISTORY_DAYS=0 turn both off', async () => {
  const { env, audit } = await estate();
  await invokeBundle('ingest', [
    delivery('a', [['2026-11-21T09:00:00', 'alice', '203.0.113.7'], ['2026-11-21T09:01:00', 'alice', '203.0.113.7']]),
  ], { ...env, REPEAT_WINDOW_SECONDS: '0', HISTORY_DAYS: '0' });
  expect((await audit()).map((a) => [a.repeat ?? null, a.history ?? null])).toEqual([[null, null], [null, null]]);
});

test('the ledger unavailable: every login goes out on time, unmarked, saying so, and the function logs it', async () => {
  const { env, audit, slack } = await estate({ table: false });
  const run = await invokeBundle('ingest', [
    delivery('a', [['2026-11-21T09:00:00', 'alice', '203.0.113.7'], ['2026-11-21T09:01:00', 'alice', '203.0.113.7']]),
  ], env);
  const all = await audit();
  expect(all.map((a) => [a.id, a.repeat ?? null])).toEqual([['a-0000', null], ['a-0001', null]]);
  for (const alert of all) expect(alert.reasons).toContain('login ledger unavailable: no history or repeat count');
  expect((await slack()).map((a) => a.id)).toEqual(['a-0000', 'a-0001']);
  expect(run.logs).toMatch(/"message":"login ledger unavailable"/);
});
