import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HttpReceiver } from './http-receiver';
import { AlertDestination, LoginAlerts, PagerDutyRoutingKey, SlackWebhook, type Severity } from '../../src';

/** Clients for a moto endpoint, with the test credentials and region. */
export function awsConfig(endpoint: string, region = 'eu-west-1') {
  return { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/** The login ledger's table as the construct creates it (keys `pk`, `sk`), on moto. */
export async function createLedgerTable(endpoint: string, name = 'ledger'): Promise<void> {
  await new DynamoDBClient(awsConfig(endpoint)).send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
}

export async function createQueue(endpoint: string, name: string, region?: string): Promise<{ url: string; arn: string }> {
  const sqs = new SQSClient(awsConfig(endpoint, region));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** A topic with a queue subscribed to it, as a user's SQS subscriber would be. */
export async function createTopicWithQueue(endpoint: string, name: string): Promise<{ topicArn: string; queueUrl: string }> {
  const sns = new SNSClient(awsConfig(endpoint));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queue = await createQueue(endpoint, `${name}-inbox`);
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn }));
  return { topicArn: TopicArn!, queueUrl: queue.url };
}

export async function createSecret(endpoint: string, name: string, value: string): Promise<string> {
  const { ARN } = await new SecretsManagerClient(awsConfig(endpoint)).send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return ARN!;
}

/** Every message body on a queue (a long visibility timeout hides what was read: no deletes needed). */
export async function receiveBodies(endpoint: string, queueUrl: string, region?: string): Promise<string[]> {
  const sqs = new SQSClient(awsConfig(endpoint, region));
  const bodies: string[] = [];
  for (;;) {
    const receive = new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 });
    const { Messages = [] } = await sqs.send(receive);
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body!));
  }
}

/** Wraps an SNS notification read from an SQS subscriber into the event SNS gives a Lambda subscriber. */
export function lambdaEventFromNotification(notificationJson: string, subscriptionArn = 'arn:aws:sns:eu-west-1:123456789012:login-alerts:sub') {
  return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: subscriptionArn, Sns: JSON.parse(notificationJson) }] };
}

/** The filter policy the construct synthesizes for a PagerDuty destination (JSON): the default, or with the given lowest severity. */
export function pagerDutyFilterPolicy(minSeverity?: Severity): string {
  return synthesizedFilterPolicy((stack) => AlertDestination.pagerDuty({
    routingKey: PagerDutyRoutingKey.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'pd')), ...(minSeverity && { minSeverity }),
  }));
}

/** The filter policy the construct synthesizes for a default Slack destination (JSON). */
export function slackFilterPolicy(): string {
  return synthesizedFilterPolicy((stack) => AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'slack')) }));
}

function synthesizedFilterPolicy(destination: (stack: Stack) => AlertDestination): string {
  const stack = new Stack(new App(), 'Policy', { env: { account: '123456789012', region: 'us-east-1' } });
  new LoginAlerts(stack, 'LoginAlerts', { destinations: [destination(stack)] });
  const [subscription] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription'));
  return JSON.stringify(subscription.Properties.FilterPolicy);
}

/**
 * Subscribes a local HTTP endpoint to a topic, as an HTTPS subscriber would be: moto POSTs each
 * notification to it. Much faster than reading a large moto SQS queue back (moto's ReceiveMessage
 * takes about a second per call once a queue holds a thousand messages).
 */
export async function subscribeHttpCollector(endpoint: string, topicArn: string, filterPolicy?: string): Promise<HttpReceiver> {
  const collector = await HttpReceiver.start({ status: 200 });
  await new SNSClient(awsConfig(endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'http', Endpoint: `${collector.url}/sns`, ...(filterPolicy && { Attributes: { FilterPolicy: filterPolicy } }),
  }));
  return collector;
}
