import { fixtureAlerts, snsEvent } from '../support/alerts';
import { createQueue, createSecret, receiveBodies } from '../support/estate';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * Secrets never leave the destination functions: not in a log line, a thrown error (which Lambda
 * logs and puts in the on-failure record) or a dead letter; not when the secret is mistyped, and
 * not when a receiver echoes the request. The Slack and PagerDuty bundles run against moto's
 * Secrets Manager and SQS and local receivers.
 */

const TOKEN = 'xoxbSECRETt0k3nN0tToBeSeen';
const ROUTING_KEY = 'R0ut1ngK3yN0tToBeSeen0123456789a';
let moto: Moto;
let receiver: HttpReceiver;
let event: unknown;
let queues = 0;

beforeAll(async () => {
  moto = await startMoto();
  receiver = await HttpReceiver.start({ status: 200, body: 'ok' });
  const [alert] = await fixtureAlerts();
  event = snsEvent(JSON.stringify(alert));
}, 60_000);
afterAll(async () => {
  await receiver?.stop();
  await moto?.stop();
});
beforeEach(() => receiver.reset());

/** Everything the function wrote out: its logs, the errors it threw, and its dead-letter queue. */
async function run(bundle: 'slack' | 'pagerduty', env: Record<string, string>): Promise<string> {
  const dlq = (await createQueue(moto.endpoint, `dlq-${++queues}`)).url;
  const result = await invokeBundle(bundle, [event], { AWS_ENDPOINT_URL: moto.endpoint, DEAD_LETTER_QUEUE_URL: dlq, ...env }, { timeoutMs: 5000 });
  return [result.logs, JSON.stringify(result.invocations), ...(await receiveBodies(moto.endpoint, dlq))].join('\n');
}

describe('Slack', () => {
  test.each([
    ['a URL without its scheme', `hooks.slack.example/services/T0/B0/${TOKEN}`],
    ['a JSON secret read without a field', JSON.stringify({ url: `https://hooks.slack.example/services/T0/B0/${TOKEN}` })],
    ['a URL with a scheme Slack never uses', `ftp://hooks.slack.example/services/T0/B0/${TOKEN}`],
  ])('%s fails with the secret\'s ARN, never its value', async (_, value) => {
    const arn = await createSecret(moto.endpoint, `slack-${++queues}`, value);
    const out = await run('slack', { SLACK_WEBHOOK_SECRET_ARN: arn });
    expect(out).toContain(arn);
    expect(out).toMatch(/is (?:JSON, not a webhook URL|not a Slack Incoming Webhook URL)/);
    expect(out).not.toContain(TOKEN);
    expect(receiver.requests).toHaveLength(0);
  });

  test.each([
    [400, 'permanent: dead-lettered'],
    [500, 'transient: thrown for a retry'],
    [429, 'rate-limited past the budget: thrown'],
  ])('a receiver echoing the request URL with HTTP %i (%s) has it redacted', async (status) => {
    const arn = await createSecret(moto.endpoint, `slack-${++queues}`, `${receiver.url}/services/T0/B0/${TOKEN}`);
    receiver.reply({ status, body: `invalid request to /services/T0/B0/${TOKEN} (${receiver.url}/services/T0/B0/${TOKEN})`, headers: { 'retry-after': '30' } });
    const out = await run('slack', { SLACK_WEBHOOK_SECRET_ARN: arn });
    expect(receiver.requests).toHaveLength(1);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(TOKEN);
  });
});

describe('PagerDuty', () => {
  test.each([
    ['a JSON secret read without a field', JSON.stringify({ routingKey: ROUTING_KEY })],
    ['a key with a line break and spaces', `${ROUTING_KEY}\n trailing words`],
  ])('%s fails with the secret\'s ARN, never its value', async (_, value) => {
    const arn = await createSecret(moto.endpoint, `pd-${++queues}`, value);
    const out = await run('pagerduty', { PAGERDUTY_ROUTING_KEY_SECRET_ARN: arn, PAGERDUTY_EVENTS_URL: `${receiver.url}/v2/enqueue` });
    expect(out).toContain(arn);
    expect(out).not.toContain(ROUTING_KEY);
    expect(receiver.requests).toHaveLength(0);
  });

  test.each([400, 500, 429])('a receiver echoing the routing key with HTTP %i has it redacted', async (status) => {
    const arn = await createSecret(moto.endpoint, `pd-${++queues}`, ROUTING_KEY);
    receiver.reply({ status, body: `{"status":"invalid event","errors":["routing_key ${ROUTING_KEY} rejected"]}`, headers: { 'retry-after': '30' } });
    const out = await run('pagerduty', { PAGERDUTY_ROUTING_KEY_SECRET_ARN: arn, PAGERDUTY_EVENTS_URL: `${receiver.url}/v2/enqueue` });
    expect(receiver.requests).toHaveLength(1);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(ROUTING_KEY);
  });
});
