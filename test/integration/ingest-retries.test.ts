import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, subscribeHttpCollector } from '../support/estate';
import { logsDelivery } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * The built ingest bundle publishing to moto SNS, with what once sank whole deliveries: a line too
 * long for SNS, and one entry that keeps failing while Lambda retries the invocation. Alerts are
 * counted as the topic's HTTP subscriber receives them, against the set of lines that was sent.
 */

const aws = useMotoWithCallCounter();

async function topicWithCollector() {
  await aws.moto.reset();
  aws.counter.reset();
  const { TopicArn } = await new SNSClient(awsConfig(aws.moto.endpoint)).send(new CreateTopicCommand({ Name: 'login-alerts' }));
  const collector = await subscribeHttpCollector(aws.moto.endpoint, TopicArn!);
  return { topicArn: TopicArn!, collector };
}

/** Alert ids the subscriber received, with how often each arrived. */
function receivedIds(collector: { requests: Array<{ body: string }> }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of collector.requests) {
    const alert = JSON.parse(JSON.parse(request.body).Message);
    expect(alertSchemaErrors(alert)).toEqual([]);
    counts.set(alert.id, (counts.get(alert.id) ?? 0) + 1);
  }
  return counts;
}

const login = (n: number) => `Nov 21 09:15:02 ip-10-0-1-23 sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:k${n}`;

test('a 200 KB login line is published beside the rest of its delivery, every alert once', async () => {
  const { topicArn, collector } = await topicWithCollector();
  try {
    const longUser = `${'a'.repeat(200_000)}`;
    const lines = [login(0), `Nov 21 09:15:03 ip-10-0-1-23 sshd[9]: Accepted password for ${longUser} from 192.0.2.1 port 22 ssh2`, login(2), login(3)];
    const run = await invokeBundle('ingest', [logsDelivery(lines, { idPrefix: 'long-' })], {
      AWS_ENDPOINT_URL: aws.counter.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false',
    }, { asyncRetries: 2 });
    expect(run.invocations[0]).toEqual({ result: { alerts: 4, linesRead: 4 }, attempts: 1 });
    await collector.waitFor(4);
    const ids = receivedIds(collector);
    expect([...ids.keys()].sort()).toEqual(['long-0000', 'long-0001', 'long-0002', 'long-0003']);
    expect([...ids.values()]).toEqual([1, 1, 1, 1]);
    const long = collector.requests.map((r) => JSON.parse(JSON.parse(r.body).Message)).find((a) => a.id === 'long-0001');
    expect(long.user).toHaveLength(1024);
    expect(long.truncatedFields).toEqual(['user']);
  } finally {
    await collector.stop();
  }
});

test('one entry that keeps failing: Lambda\'s retries publish the other 199 alerts once, not three times', async () => {
  const { topicArn, collector } = await topicWithCollector();
  try {
    const lines = Array.from({ length: 200 }, (_, n) => (n === 57 ? login(n).replace('deploy', 'poisoned') : login(n)));
    // Every PublishBatch call carrying the poisoned alert fails (HTTP 500), however it is retried.
    aws.counter.failingBodyText = 'poisoned';
    const run = await invokeBundle('ingest', [logsDelivery(lines, { idPrefix: 'retry-' })], {
      AWS_ENDPOINT_URL: aws.counter.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false',
    }, { asyncRetries: 2 });
    // The invocation fails after Lambda's two retries: the delivery goes to the dead-letter queue.
    expect(run.invocations[0].attempts).toBe(3);
    expect(run.invocations[0].error?.message).toContain('1 of 200 alerts not published: retry-0057');
    await collector.waitFor(199);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = receivedIds(collector);
    const expected = lines.map((_, n) => `retry-${String(n).padStart(4, '0')}`).filter((id) => id !== 'retry-0057');
    expect([...ids.keys()].sort()).toEqual(expected);
    expect([...ids.values()].filter((count) => count > 1)).toEqual([]);
  } finally {
    await collector.stop();
  }
});
