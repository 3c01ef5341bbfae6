import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { awsConfig, createLedgerTable, createQueue, createSecret, createTopicWithQueue } from './estate';
import { FakeSlack } from './fake-slack';
import { invokeBundle } from './invoke-bundle';
import { startMoto, type Moto } from './moto';
import { ReviewStore } from '../../lambda/slack-app/review-store';
import { AlertDestination, LoginAlerts, SlackBotToken, SlackSigningSecret } from '../../src';

/** The Slack app's secrets in tests: shaped like Slack's, so the functions' shape checks pass. */
export const BOT_TOKEN = 'xoxb-1111111111-2222222222-s3cr3tB0tT0k3nV4lue';
export const SIGNING_SECRET = '8f742231b10e8888abcd99ef11aa85a5';
export const CHANNEL = 'C0SECURITY';

/** The filter policy the construct synthesizes for a default Slack app destination (JSON). */
export function slackAppFilterPolicy(): string {
  const stack = new Stack(new App(), 'Policy', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'slack-app');
  new LoginAlerts(stack, 'LoginAlerts', {
    destinations: [AlertDestination.slackApp({ botToken: SlackBotToken.fromSecret(secret, 'botToken'), signingSecret: SlackSigningSecret.fromSecret(secret, 'signingSecret'), channel: CHANNEL })],
  });
  const [subscription] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription'));
  return JSON.stringify(subscription.Properties.FilterPolicy);
}

/** What a review queue message is about: its alert id (a press carries it in `press`). */
export function reviewMessageAlertId(body: string): string | undefined {
  const message = JSON.parse(body);
  return message.alertId ?? message.press?.alertId;
}

/**
 * Waits for the next review queue messages of one alert that `match` accepts (long polling, so
 * delayed messages arrive when due; every other message is put back at once) and returns them as
 * the SQS event Lambda's event source mapping would give the function, and deletes them, as the
 * mapping does after a successful batch. Empty if none came within `waitSeconds`.
 */
export async function nextSqsEvent(
  endpoint: string, queueUrl: string, alertId: string, waitSeconds = 5, match: (message: any) => boolean = () => true,
) {
  const sqs = new SQSClient(awsConfig(endpoint));
  const deadline = Date.now() + waitSeconds * 1000;
  const records = [];
  while (records.length === 0 && Date.now() < deadline) {
    const wait = Math.max(1, Math.min(20, Math.ceil((deadline - Date.now()) / 1000)));
    const receive = new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, VisibilityTimeout: 600 });
    const { Messages = [] } = await sqs.send(receive);
    for (const m of Messages) {
      const mine = reviewMessageAlertId(m.Body!) === alertId && match(JSON.parse(m.Body!));
      if (!mine) {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      records.push({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {},
        messageAttributes: {},
        md5OfBody: m.MD5OfBody!,
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:reminders',
        awsRegion: 'eu-west-1',
      });
    }
  }
  return { Records: records };
}

/**
 * Sends signed requests to the interaction endpoint (the built bundle), expects each answered 200,
 * and returns the presses it queued, as SQS records of the review queue, in the order queued.
 */
export async function queuedPresses(estate: SlackAppEstate, alertId: string, requests: unknown[]) {
  const pressed = await invokeBundle('slack-interaction', requests, estate.interactionEnv(), { timeoutMs: 10_000 });
  const statuses = pressed.invocations.map((i) => (i.result as { statusCode: number } | undefined)?.statusCode ?? i.error?.message);
  expect(statuses).toEqual(requests.map(() => 200));
  const records = [];
  while (records.length < requests.length) {
    const event = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alertId, 10, (m) => m.type === 'login-review-answer');
    if (event.Records.length === 0) throw new Error(`only ${records.length} of ${requests.length} presses were queued`);
    records.push(...event.Records);
  }
  return records;
}

export interface SlackAppEstate {
  readonly moto: Moto;
  readonly slack: FakeSlack;
  readonly topicArn: string;
  /** Every notification on the topic (a plain SQS subscriber). */
  readonly topicQueueUrl: string;
  readonly reminderQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly secretArn: string;
  readonly store: ReviewStore;
  /** The functions' environment: secrets, channel, ledger, topic, queues, the fake Slack, quick reminders. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The interaction function's: the signing secret and the review queue. */
  interactionEnv(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/** moto (ledger table, topic, queues, the app's secret) and a fake Slack, wired as the construct wires them. */
export async function startSlackAppEstate(): Promise<SlackAppEstate> {
  const moto = await startMoto();
  const slack = await FakeSlack.start();
  await createLedgerTable(moto.endpoint);
  const { topicArn, queueUrl: topicQueueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const reminderQueueUrl = (await createQueue(moto.endpoint, 'reminders')).url;
  const deadLetterQueueUrl = (await createQueue(moto.endpoint, 'slack-app-dlq')).url;
  const secretArn = await createSecret(moto.endpoint, 'slack-app', JSON.stringify({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }));
  const env = (extra: Record<string, string> = {}) => ({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'eu-west-1',
    SLACK_BOT_TOKEN_SECRET_ARN: secretArn,
    SLACK_BOT_TOKEN_SECRET_FIELD: 'botToken',
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
    LEDGER_TABLE_NAME: 'ledger',
    ALERT_TOPIC_ARN: topicArn,
    DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
    REMINDER_QUEUE_URL: reminderQueueUrl,
    REMINDER_WAIT_SECONDS: '1',
    REMINDERS: '2',
    REVIEW_RETRY_SECONDS: '1',
    SLACK_TIMEOUT_MS: '1500',
    ...extra,
  });
  return {
    moto,
    slack,
    topicArn,
    topicQueueUrl,
    reminderQueueUrl,
    deadLetterQueueUrl,
    secretArn,
    env,
    interactionEnv: (extra = {}) => ({
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'eu-west-1',
      SLACK_SIGNING_SECRET_ARN: secretArn,
      SLACK_SIGNING_SECRET_FIELD: 'signingSecret',
      REMINDER_QUEUE_URL: reminderQueueUrl,
      ...extra,
    }),
    store: new ReviewStore('ledger', new DynamoDBClient(awsConfig(moto.endpoint))),
    async stop() {
      await slack.stop();
      await moto.stop();
    },
  };
}
