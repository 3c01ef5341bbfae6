import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsConfig, createQueue, createSecret, lambdaEventFromNotification, pagerDutyFilterPolicy, receiveBodies, subscribeHttpCollector } from '../support/estate';
import { FaultyReceiver } from '../support/faulty-receiver';
import { logsDelivery } from '../support/fixtures';
import { invokeBundle, type Invocation } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * Nothing lost: 1,000 alerts go through moto SNS to the Slack and PagerDuty bundles, whose receivers
 * fail 30% of requests (500, 429 with Retry-After, a hang past the timeout, a dropped connection).
 * Invocations are retried as Lambda retries asynchronous ones (twice), and what still fails goes to
 * the dead-letter queue as Lambda's on-failure destination would send it. At the end every alert is
 * delivered or dead-lettered. Reproduce: `npx jest test/integration/fault-injection.test.ts`.
 */

const ALERTS = 1000;
/** Real secret values in moto's Secrets Manager: no log line of any run may contain them. */
const SLACK_TOKEN = 'f4ultS3cr3tT0k3nXYZ';
const ROUTING_KEY = 'b0b5a1e5f00dfeedc0ffee0123456789';
const FAILURE_RATE = 0.3;
let moto: Moto;
let receivers: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => { moto = await startMoto(); });
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await moto?.stop();
});

/** Lambda's on-failure record for an asynchronous invocation that failed every retry. */
async function sendOnFailureRecords(queueUrl: string, events: unknown[], invocations: Invocation[]): Promise<void> {
  const sqs = new SQSClient(awsConfig(moto.endpoint));
  for (const [i, invocation] of invocations.entries()) {
    if (!invocation.error) continue;
    await sqs.send(new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({
        version: '1.0',
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: invocation.attempts },
        requestPayload: events[i],
        responsePayload: { errorType: invocation.error.name, errorMessage: invocation.error.message },
      }),
    }));
  }
}

/** The alert ids in a dead-letter queue, whoever wrote them (the function or Lambda's on-failure). */
async function deadLetteredIds(queueUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const body of await receiveBodies(moto.endpoint, queueUrl)) {
    const letter = JSON.parse(body);
    const record = letter.requestPayload?.Records?.[0] ?? letter.record;
    ids.add(letter.alertId ?? JSON.parse(record.Sns.Message).id);
  }
  return ids;
}

test(`${ALERTS} alerts through failing Slack and PagerDuty receivers: every one delivered or dead-lettered`, async () => {
  const { TopicArn: topicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'login-alerts' }));
  // What SNS hands each destination: everything for Slack; for PagerDuty, what the synthesized filter policy lets through.
  const slackFeed = await subscribeHttpCollector(moto.endpoint, topicArn!, undefined);
  const pagerDutyFeed = await subscribeHttpCollector(moto.endpoint, topicArn!, pagerDutyFilterPolicy());
  receivers = [slackFeed, pagerDutyFeed];

  // Half key logins as deploy (medium: Slack only), half password logins as root (high: Slack and PagerDuty).
  const lines = Array.from({ length: ALERTS }, (_, n) => n % 2 === 0
    ? `Nov 21 09:15:02 ip-10-0-1-23 sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:k${n}`
    : `Nov 21 09:15:02 ip-10-0-1-23 sshd[${n}]: Accepted password for root from 192.0.2.${n % 250} port ${20000 + n} ssh2`);
  const ingest = await invokeBundle('ingest', [logsDelivery(lines, { idPrefix: 'fault-' })], { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn!, ENRICH_INSTANCES: 'false' });
  expect(ingest.invocations[0]).toEqual({ result: { alerts: ALERTS, linesRead: ALERTS } });

  const slack = await FaultyReceiver.start({ failureRate: FAILURE_RATE, seed: 1, okStatus: 200, alertIdOf: (b) => /alert (fault-\d+)/.exec(JSON.stringify(b))?.[1] });
  const pagerDuty = await FaultyReceiver.start({ failureRate: FAILURE_RATE, seed: 2, okStatus: 202, alertIdOf: (b) => b.dedup_key });
  receivers.push(slack, pagerDuty);

  const paths: Array<{ name: string; receiver: FaultyReceiver; feed: { requests: Array<{ body: string }> }; env: Record<string, string> }> = [
    { name: 'slack', receiver: slack, feed: slackFeed, env: { SLACK_WEBHOOK_SECRET_ARN: await createSecret(moto.endpoint, 'slack', `${slack.url}/services/T0FAULT/B0FAULT/${SLACK_TOKEN}`), SLACK_TIMEOUT_MS: '300' } },
    {
      name: 'pagerduty',
      receiver: pagerDuty,
      feed: pagerDutyFeed,
      env: { PAGERDUTY_ROUTING_KEY_SECRET_ARN: await createSecret(moto.endpoint, 'pd', ROUTING_KEY), PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`, PAGERDUTY_TIMEOUT_MS: '300' },
    },
  ];
  const rows: string[] = [];
  for (const path of paths) {
    const notifications = path.feed.requests.map((r) => r.body);
    const expected = new Set(notifications.map((n) => JSON.parse(JSON.parse(n).Message).id as string));
    const deadLetterQueue = (await createQueue(moto.endpoint, `${path.name}-dlq`)).url;
    const events = notifications.map((n) => lambdaEventFromNotification(n));
    const run = await invokeBundle(path.name, events, { AWS_ENDPOINT_URL: moto.endpoint, DEAD_LETTER_QUEUE_URL: deadLetterQueue, ...path.env }, {
      concurrency: 16, asyncRetries: 2, timeoutMs: 60_000,
    });
    await sendOnFailureRecords(deadLetterQueue, events, run.invocations);
    // Every failure path logged something; none of it may carry a secret.
    expect(run.logs).not.toContain(SLACK_TOKEN);
    expect(run.logs).not.toContain(ROUTING_KEY);
    expect(run.logs.length).toBeGreaterThan(10_000);

    const delivered = new Set([...path.receiver.accepted.keys()].filter((id) => expected.has(id)));
    const deadLettered = await deadLetteredIds(deadLetterQueue);
    const lost = [...expected].filter((id) => !delivered.has(id) && !deadLettered.has(id));
    const retried = run.invocations.filter((i) => (i.attempts ?? 1) > 1).length;
    const duplicates = [...path.receiver.accepted.values()].filter((n) => n > 1).length;
    const faults = Object.entries(path.receiver.faults).map(([k, v]) => `${k}=${v}`).join(' ');
    rows.push(`${path.name.padEnd(9)} alerts=${expected.size} requests=${path.receiver.requests} faults(${faults}) retried invocations=${retried} delivered=${delivered.size} dead-lettered=${deadLettered.size} duplicates=${duplicates} lost=${lost.length}`);

    expect(lost).toEqual([]);
    expect(delivered.size + deadLettered.size).toBeGreaterThanOrEqual(expected.size);
    const failed = Object.values(path.receiver.faults).reduce((a, b) => a + b, 0);
    expect(failed / path.receiver.requests).toBeGreaterThan(0.25);
  }
  expect(rows).toHaveLength(2);
  // The figures docs/RELIABILITY.md quotes.
  console.log(`fault injection (${FAILURE_RATE * 100}% of requests fail):\n${rows.join('\n')}`);
}, 600_000);
