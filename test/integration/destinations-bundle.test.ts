import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { alarmMessage } from '../support/alerts';
import { awsConfig, createQueue, createSecret, createTopicWithQueue, lambdaEventFromNotification, pagerDutyFilterPolicy, receiveBodies } from '../support/estate';
import { CLOUDTRAIL_FIXTURES, cloudTrailEvent, logsDelivery, sshLines } from '../support/fixtures';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { freePort, startMoto, type Moto } from '../support/moto';

/**
 * The Slack and PagerDuty bundles with real HTTP to local receivers, secrets in moto's Secrets
 * Manager, dead letters in moto's SQS, and SNS events taken from the topic: the ingest bundle
 * publishes real alerts to a moto topic, a queue subscribed with the filter policy the construct
 * synthesizes collects the notifications, and each is handed to the destination as SNS would.
 */

const SLACK_TOKEN = 'T0001/B0001/s3cr3tW3bh00kT0k3n';
const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';
let moto: Moto;
let slack: HttpReceiver;
let pagerDuty: HttpReceiver;
let slackSecretArn: string;
let pagerDutySecretArn: string;
/** SNS notifications (JSON) from the topic: every alert, and those passing PagerDuty's filter policy. */
let allNotifications: string[];
let pagerDutyNotifications: string[];
let queueCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  slack = await HttpReceiver.start({ status: 200, body: 'ok' });
  pagerDuty = await HttpReceiver.start({ status: 202, body: '{"status":"success","message":"Event processed"}', headers: { 'content-type': 'application/json' } });
  slackSecretArn = await createSecret(moto.endpoint, 'slack-webhook', `${slack.url}/services/${SLACK_TOKEN}`);
  pagerDutySecretArn = await createSecret(moto.endpoint, 'pagerduty', JSON.stringify({ routingKey: ROUTING_KEY }));

  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const pdQueue = await createQueue(moto.endpoint, 'pagerduty-filtered');
  await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: pdQueue.arn, Attributes: { FilterPolicy: pagerDutyFilterPolicy() },
  }));
  const events = [
    ...['ubuntu-22.04-auth.log', 'amazon-linux-2-secure', 'debian-12-rfc3339-sshd-session.log'].map((f, n) => logsDelivery(sshLines(f), { idPrefix: `d${n}-` })),
    ...CLOUDTRAIL_FIXTURES.map(cloudTrailEvent),
  ];
  const ingest = await invokeBundle('ingest', events, { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false' });
  expect(ingest.invocations.every((i) => i.result)).toBe(true);
  allNotifications = await receiveBodies(moto.endpoint, queueUrl);
  pagerDutyNotifications = await receiveBodies(moto.endpoint, pdQueue.url);
}, 120_000);

afterAll(async () => {
  await slack?.stop();
  await pagerDuty?.stop();
  await moto?.stop();
});

beforeEach(() => {
  slack.reset();
  pagerDuty.reset();
});

const alertOf = (notification: string) => JSON.parse(JSON.parse(notification).Message);
const notificationWhere = (predicate: (alert: any) => boolean) => allNotifications.find((n) => predicate(alertOf(n)))!;

async function deadLetterQueue(): Promise<string> {
  return (await createQueue(moto.endpoint, `dlq-${++queueCount}`)).url;
}

function slackEnv(dlq: string, extra: Record<string, string> = {}) {
  return { AWS_ENDPOINT_URL: moto.endpoint, SLACK_WEBHOOK_SECRET_ARN: slackSecretArn, DEAD_LETTER_QUEUE_URL: dlq, SLACK_TIMEOUT_MS: '1500', ...extra };
}

function pagerDutyEnv(dlq: string, extra: Record<string, string> = {}) {
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    PAGERDUTY_ROUTING_KEY_SECRET_ARN: pagerDutySecretArn,
    PAGERDUTY_ROUTING_KEY_SECRET_FIELD: 'routingKey',
    PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
    DEAD_LETTER_QUEUE_URL: dlq,
    PAGERDUTY_TIMEOUT_MS: '1500',
    ...extra,
  };
}

describe('Slack bundle', () => {
  test('posts every alert from the topic as a Block Kit message to the webhook in the secret', async () => {
    const dlq = await deadLetterQueue();
    const run = await invokeBundle('slack', allNotifications.map((n) => lambdaEventFromNotification(n)), slackEnv(dlq));
    expect(allNotifications).toHaveLength(18);
    expect(run.invocations.map((i) => i.result)).toEqual(allNotifications.map(() => ({ delivered: 1, deadLettered: 0 })));
    expect(slack.requests).toHaveLength(18);
    expect(new Set(slack.requests.map((r) => `${r.method} ${r.path}`))).toEqual(new Set([`POST /services/${SLACK_TOKEN}`]));
    const texts = slack.requests.map((r) => r.json.text as string);
    expect(texts).toContain('<!channel> [CRITICAL] Console sign-in: root (no MFA) from 192.0.2.101 in 111122223333');
    expect(texts).toContain('[LOW] Console sign-in: &lt;!channel&gt; from 2001:db8:abcd::17 in 111122223333');
    for (const request of slack.requests) expect(request.json.attachments[0].blocks[0].type).toBe('header');
    expect(run.logs).not.toContain('s3cr3tW3bh00kT0k3n');
    expect(await receiveBodies(moto.endpoint, dlq)).toEqual([]);
  });

  test('429 with Retry-After: waits, then delivers in the same invocation', async () => {
    slack.reply({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    const run = await invokeBundle('slack', [lambdaEventFromNotification(allNotifications[0])], slackEnv(await deadLetterQueue()));
    expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(950);
  });

  test('500: the invocation fails so Lambda retries it; nothing is dead-lettered', async () => {
    slack.reply({ status: 500, body: 'rollup_error' });
    const dlq = await deadLetterQueue();
    const run = await invokeBundle('slack', [lambdaEventFromNotification(allNotifications[0])], slackEnv(dlq));
    expect(run.invocations[0].error).toEqual({ name: 'RetryableDeliveryError', message: 'slack delivery failed, will be retried: HTTP 500: rollup_error' });
    expect(await receiveBodies(moto.endpoint, dlq)).toEqual([]);
  });

  test.each([
    [400, 'invalid_payload'], [403, 'action_prohibited'], [404, 'channel_not_found'], [410, 'channel_is_archived'], [403, 'no_service'],
  ])('%i %s: logged with Slack\'s error and sent to the dead-letter queue', async (status, error) => {
    slack.reply({ status, body: error });
    const dlq = await deadLetterQueue();
    const notification = notificationWhere((a) => a.user === 'root' && a.kind === 'console' && a.outcome === 'success');
    const run = await invokeBundle('slack', [lambdaEventFromNotification(notification)], slackEnv(dlq));
    expect(run.invocations[0].result).toEqual({ delivered: 0, deadLettered: 1 });
    expect(run.logs).toContain(`HTTP ${status}: ${error}`);
    const [letter] = (await receiveBodies(moto.endpoint, dlq)).map((b) => JSON.parse(b));
    expect(letter).toMatchObject({
      source: 'cdk-login-alerts',
      destination: 'slack',
      reason: `HTTP ${status}: ${error}`,
      statusCode: status,
      responseBody: error,
      alertId: 'deadbeef-0000-4000-8000-000000000001',
      record: { Sns: { Message: JSON.parse(notification).Message } },
    });
  });

  test('a webhook that never answers times out and is retried', async () => {
    slack.reply({ status: 200, hang: true });
    const run = await invokeBundle('slack', [lambdaEventFromNotification(allNotifications[0])], slackEnv(await deadLetterQueue()));
    expect(run.invocations[0].error).toMatchObject({ name: 'RetryableDeliveryError', message: expect.stringContaining('no answer from Slack') });
  });

  test('a refused connection is retried', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/services/${SLACK_TOKEN}`;
    const arn = await createSecret(moto.endpoint, 'slack-closed', JSON.stringify({ url: closed }));
    const run = await invokeBundle('slack', [lambdaEventFromNotification(allNotifications[0])],
      slackEnv(await deadLetterQueue(), { SLACK_WEBHOOK_SECRET_ARN: arn, SLACK_WEBHOOK_SECRET_FIELD: 'url' }));
    expect(run.invocations[0].error).toMatchObject({ name: 'RetryableDeliveryError', message: expect.stringContaining('ECONNREFUSED') });
    expect(run.logs).not.toContain('s3cr3tW3bh00kT0k3n');
  });

  test('a malformed message goes to the dead-letter queue with the reason', async () => {
    const dlq = await deadLetterQueue();
    const bad = JSON.stringify({ ...JSON.parse(allNotifications[0]), Message: '{"schemaVersion":1,"id":42}' });
    const run = await invokeBundle('slack', [lambdaEventFromNotification(bad)], slackEnv(dlq));
    expect(run.invocations[0].result).toEqual({ delivered: 0, deadLettered: 1 });
    expect(slack.requests).toHaveLength(0);
    const [letter] = (await receiveBodies(moto.endpoint, dlq)).map((b) => JSON.parse(b));
    expect(letter.reason).toBe('malformed topic message: alert field id is not a string');
  });

  test('a pipeline alarm says alerting is degraded', async () => {
    const alarm = JSON.stringify({ ...JSON.parse(allNotifications[0]), Message: alarmMessage('ALARM') });
    await invokeBundle('slack', [lambdaEventFromNotification(alarm)], slackEnv(await deadLetterQueue()));
    expect(slack.requests[0].json.text).toBe('<!here> Login alerting pipeline degraded: LoginAlerts-SlackDeadLetters');
  });
});

describe('PagerDuty bundle', () => {
  test('the synthesized filter policy lets only high and critical alerts through', () => {
    const severities = pagerDutyNotifications.map((n) => alertOf(n).severity).sort();
    expect(severities).toEqual(allNotifications.map((n) => alertOf(n).severity).filter((s) => s === 'high' || s === 'critical').sort());
    expect(severities.length).toBeGreaterThanOrEqual(5);
  });

  test('triggers one event per alert, deduplicated on the alert id, with the key from the secret', async () => {
    const dlq = await deadLetterQueue();
    const run = await invokeBundle('pagerduty', pagerDutyNotifications.map((n) => lambdaEventFromNotification(n)), pagerDutyEnv(dlq));
    expect(run.invocations.every((i) => (i.result as any)?.delivered === 1)).toBe(true);
    expect(pagerDuty.requests.map((r) => r.path)).toEqual(pagerDutyNotifications.map(() => '/v2/enqueue'));
    const root = pagerDuty.requests.map((r) => r.json).find((e) => e.dedup_key === 'deadbeef-0000-4000-8000-000000000001');
    expect(root).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      client: 'cdk-login-alerts',
      payload: { severity: 'critical', source: 'aws-account-111122223333', summary: '[CRITICAL] Console sign-in: root (no MFA) from 192.0.2.101 in 111122223333', custom_details: { user: 'root' } },
    });
    expect(run.logs).not.toContain(ROUTING_KEY);
  });

  test('a retried delivery of the same alert reuses its dedup_key', async () => {
    const event = lambdaEventFromNotification(pagerDutyNotifications[0]);
    await invokeBundle('pagerduty', [event, event], pagerDutyEnv(await deadLetterQueue()));
    expect(new Set(pagerDuty.requests.map((r) => r.json.dedup_key)).size).toBe(1);
  });

  test('400: permanent, dead-lettered with PagerDuty\'s error', async () => {
    pagerDuty.reply({ status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect"]}' });
    const dlq = await deadLetterQueue();
    const run = await invokeBundle('pagerduty', [lambdaEventFromNotification(pagerDutyNotifications[0])], pagerDutyEnv(dlq));
    expect(run.invocations[0].result).toEqual({ delivered: 0, deadLettered: 1 });
    const [letter] = (await receiveBodies(moto.endpoint, dlq)).map((b) => JSON.parse(b));
    expect(letter).toMatchObject({ destination: 'pagerduty', statusCode: 400, reason: expect.stringContaining('Event object is invalid') });
  });

  test('429 waits out Retry-After; 500, a hang and a refused connection are retried', async () => {
    const event = lambdaEventFromNotification(pagerDutyNotifications[0]);
    pagerDuty.reply({ status: 429, headers: { 'retry-after': '1' } });
    expect((await invokeBundle('pagerduty', [event], pagerDutyEnv(await deadLetterQueue()))).invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
    pagerDuty.reply({ status: 503, body: 'unavailable' });
    expect((await invokeBundle('pagerduty', [event], pagerDutyEnv(await deadLetterQueue()))).invocations[0].error?.message).toContain('HTTP 503');
    pagerDuty.reply({ status: 202, hang: true });
    expect((await invokeBundle('pagerduty', [event], pagerDutyEnv(await deadLetterQueue()))).invocations[0].error?.message).toContain('no answer from PagerDuty');
    const closed = { PAGERDUTY_EVENTS_URL: `http://127.0.0.1:${await freePort()}/v2/enqueue` };
    expect((await invokeBundle('pagerduty', [event], pagerDutyEnv(await deadLetterQueue(), closed))).invocations[0].error?.message).toContain('ECONNREFUSED');
  });

  test('a pipeline alarm pages, and its recovery resolves the incident', async () => {
    const wrap = (state: 'ALARM' | 'OK') => lambdaEventFromNotification(JSON.stringify({ ...JSON.parse(pagerDutyNotifications[0]), Message: alarmMessage(state) }));
    await invokeBundle('pagerduty', [wrap('ALARM'), wrap('OK')], pagerDutyEnv(await deadLetterQueue()));
    expect(pagerDuty.requests.map((r) => r.json.event_action)).toEqual(['trigger', 'resolve']);
    expect(pagerDuty.requests[0].json.dedup_key).toBe(pagerDuty.requests[1].json.dedup_key);
  });
});
