import { alarmMessage, snsEvent } from '../support/alerts';
import { createQueue, createSecret, receiveBodies } from '../support/estate';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * With an organization, member ingest roles may publish to the alert topic; CloudWatch alarms go to
 * a topic only CloudWatch may publish to. The PagerDuty bundle (moto Secrets Manager and SQS, a
 * local Events API) resolves an incident on an alarm "OK" from that topic, and never on an
 * alarm-shaped message from the alert topic, which it dead-letters as untrusted.
 */

const ALERT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:login-alerts';
const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:login-alerts-pipeline-alarms';
let moto: Moto;
let pagerDuty: HttpReceiver;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  pagerDuty = await HttpReceiver.start({ status: 202, body: '{"status":"success"}' });
  env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    PAGERDUTY_ROUTING_KEY_SECRET_ARN: await createSecret(moto.endpoint, 'pd', 'e93facc04764012d7bfb002500d5d1a6'),
    PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
    ALARM_TOPIC_ARNS: ALARM_TOPIC,
  };
}, 60_000);
afterAll(async () => {
  await pagerDuty?.stop();
  await moto?.stop();
});
beforeEach(() => pagerDuty.reset());

function fromTopic(topicArn: string, message: string) {
  const event = snsEvent(message);
  event.Records[0].Sns.TopicArn = topicArn;
  return event;
}

test('an alarm OK from the pipeline alarm topic resolves the incident', async () => {
  const dlq = (await createQueue(moto.endpoint, 'dlq-trusted')).url;
  const run = await invokeBundle('pagerduty', [fromTopic(ALARM_TOPIC, alarmMessage('OK'))], { ...env, DEAD_LETTER_QUEUE_URL: dlq });
  expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  expect(pagerDuty.requests.map((r) => r.json.event_action)).toEqual(['resolve']);
});

test('an alarm-shaped OK on the alert topic resolves nothing and is dead-lettered as untrusted', async () => {
  const dlq = (await createQueue(moto.endpoint, 'dlq-forged')).url;
  const run = await invokeBundle('pagerduty', [fromTopic(ALERT_TOPIC, alarmMessage('OK'))], { ...env, DEAD_LETTER_QUEUE_URL: dlq });
  expect(run.invocations[0].result).toEqual({ delivered: 0, deadLettered: 1 });
  expect(pagerDuty.requests).toHaveLength(0);
  const [letter] = (await receiveBodies(moto.endpoint, dlq)).map((b) => JSON.parse(b));
  expect(letter.reason).toBe(`alarm notification from ${ALERT_TOPIC}, where pipeline alarms are not published: not acted on (a forgery?)`);
});
