import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { awsConfig, createQueue, createSecret, lambdaEventFromNotification } from './estate';
import { HttpReceiver } from './http-receiver';
import { invokeBundle } from './invoke-bundle';
import { startMoto, type Moto } from './moto';

/**
 * moto and the two local receivers (Slack's webhook, PagerDuty's Events API) that end-to-end tests
 * deliver to, for the tests of one file: started before them, stopped after. Read the fields inside tests.
 */
export interface DeliveryEstate {
  readonly moto: Moto;
  readonly slack: HttpReceiver;
  readonly pagerDuty: HttpReceiver;
}

export function useDeliveryEstate(): DeliveryEstate {
  const estate = {} as { moto: Moto; slack: HttpReceiver; pagerDuty: HttpReceiver };
  beforeAll(async () => {
    estate.moto = await startMoto();
    estate.slack = await HttpReceiver.start({ status: 200, body: 'ok' });
    estate.pagerDuty = await HttpReceiver.start({ status: 202, body: '{"status":"success","message":"Event processed"}', headers: { 'content-type': 'application/json' } });
  });
  afterAll(async () => {
    await estate.slack?.stop();
    await estate.pagerDuty?.stop();
    await estate.moto?.stop();
  });
  return estate;
}

/** A queue subscribed to the topic with a filter policy (as a destination's subscription is): its URL. */
export async function subscribeQueue(endpoint: string, topicArn: string, name: string, filterPolicy: string): Promise<string> {
  const queue = await createQueue(endpoint, name);
  await new SNSClient(awsConfig(endpoint)).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { FilterPolicy: filterPolicy } }));
  return queue.url;
}

/**
 * The Slack or PagerDuty bundle run over the topic's notifications against the estate's receiver:
 * every notification delivered once, and what the receiver got from this run (the request bodies).
 */
export async function deliverWith(estate: DeliveryEstate, bundle: 'slack' | 'pagerduty', notifications: string[], name: string): Promise<any[]> {
  const { moto, slack, pagerDuty } = estate;
  const receiver = bundle === 'slack' ? slack : pagerDuty;
  const before = receiver.requests.length;
  const env: Record<string, string> = bundle === 'slack'
    ? { SLACK_WEBHOOK_SECRET_ARN: await createSecret(moto.endpoint, `${name}-slack`, `${slack.url}/services/T0001/${name}/token`) }
    : {
      PAGERDUTY_ROUTING_KEY_SECRET_ARN: await createSecret(moto.endpoint, `${name}-pd`, JSON.stringify({ routingKey: 'e93facc04764012d7bfb002500d5d1a6' })),
      PAGERDUTY_ROUTING_KEY_SECRET_FIELD: 'routingKey',
      PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
    };
  const run = await invokeBundle(bundle, notifications.map((n) => lambdaEventFromNotification(n)), {
    AWS_ENDPOINT_URL: moto.endpoint, DEAD_LETTER_QUEUE_URL: (await createQueue(moto.endpoint, `${name}-${bundle}-dlq`)).url, ...env,
  });
  expect(run.invocations.map((i) => i.result)).toEqual(notifications.map(() => ({ delivered: 1, deadLettered: 0 })));
  return receiver.requests.slice(before).map((r) => r.json);
}
