import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AlertDestination, LoginAlerts, SlackWebhook } from '../../src';
import { awsConfig, createQueue, createTopicWithQueue, receiveBodies } from '../support/estate';
import { logsDelivery } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * Routing by instance tag and by account, end to end on moto: the ingest bundle enriches logins from
 * EC2 and publishes the routing tags as message attributes; a subscriber with the filter policy the
 * construct synthesizes for a team's Slack channel gets that team's logins and nothing else. An
 * alarm notification on the alert topic (CloudWatch publishes it without attributes) reaches no
 * filtered subscription, as SNS documents: that is why destinations take alarms from the pipeline
 * alarm topic, unfiltered (test/login-alerts.test.ts pins that wiring).
 */

let moto: Moto;
beforeAll(async () => { moto = await startMoto(); });
afterAll(async () => { await moto?.stop(); });

/** The filter policy of a Slack destination for the payments team in account 123456789012, as synthesized. */
function paymentsChannelPolicy(): string {
  const stack = new Stack(new App(), 'Routing', { env: { account: '123456789012', region: 'us-east-1' } });
  new LoginAlerts(stack, 'LoginAlerts', {
    routingTagKeys: ['Team', 'Environment'],
    destinations: [AlertDestination.slack({
      webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'payments-slack')),
      accounts: ['123456789012'],
      instanceTagFilters: [{ key: 'Team', values: ['payments'] }],
    })],
  });
  const [subscription] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription'));
  return JSON.stringify(subscription.Properties.FilterPolicy);
}

test('a team channel gets its team\'s logins only; the audit queue gets everything, alarms included', async () => {
  await moto.reset();
  const ec2 = new EC2Client(awsConfig(moto.endpoint));
  const launch = async (tags: Record<string, string>) => (await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b',
    MinCount: 1,
    MaxCount: 1,
    TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  }))).Instances![0].InstanceId!;
  const payments = await launch({ Name: 'pay-1', Team: 'payments', Environment: 'prod' });
  const search = await launch({ Name: 'search-1', Team: 'search' });
  const untagged = await launch({ Name: 'bastion' });

  const { topicArn, queueUrl: audit } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const channel = await createQueue(moto.endpoint, 'payments-channel');
  const sns = new SNSClient(awsConfig(moto.endpoint));
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: channel.arn, Attributes: { FilterPolicy: paymentsChannelPolicy() } }));

  const line = (user: string) => `Nov 21 09:15:02 host sshd[1]: Accepted publickey for ${user} from 203.0.113.7 port 50522 ssh2`;
  await invokeBundle('ingest', [
    logsDelivery([line('pay-admin')], { logStream: payments, idPrefix: 'pay-' }),
    logsDelivery([line('search-admin')], { logStream: search, idPrefix: 'search-' }),
    logsDelivery([line('ops')], { logStream: untagged, idPrefix: 'bastion-' }),
    logsDelivery([line('pay-admin')], { logStream: payments, idPrefix: 'other-account-', owner: '210987654321' }),
  ], { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ROUTING_TAG_KEYS: 'Team,Environment' });
  // A CloudWatch alarm notification, as CloudWatch publishes it: no message attributes.
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ AlarmName: 'Security-IngestErrors', NewStateValue: 'ALARM' }) }));

  const read = async (url: string) => (await receiveBodies(moto.endpoint, url)).map((b) => JSON.parse(b));
  const all = await read(audit);
  const attributesOf = (idPrefix: string) => all.find((n) => n.Message.includes(`"id":"${idPrefix}`))?.MessageAttributes;
  expect(attributesOf('pay-')).toMatchObject({ 'tag.Team': { Value: 'payments' }, 'tag.Environment': { Value: 'prod' } });
  expect(attributesOf('search-')).toMatchObject({ 'tag.Team': { Value: 'search' } });
  expect(attributesOf('search-')).not.toHaveProperty(['tag.Environment']);
  expect(attributesOf('bastion-')).not.toHaveProperty(['tag.Team']);
  expect(all).toHaveLength(5); // four logins and the alarm

  const delivered = (await read(channel.url)).map((n) => (n.Message.includes('AlarmName') ? 'alarm' : JSON.parse(n.Message).id));
  expect(delivered).toEqual(['pay-0000']);
});
