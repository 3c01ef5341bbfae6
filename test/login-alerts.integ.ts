/**
 * An integration test a user with an AWS account can run: LoginAlerts with every destination, and a
 * queue subscribed to the topic. The assertions write an sshd `Accepted` line to a subscribed log
 * group and expect its alert on the queue within minutes.
 *
 * CI checks the committed snapshot without deploying: `npx projen integ`.
 * To deploy and run it for real: `npx integ-runner --directory test --test-regex "\\.integ\\.ts$"
 *   --app "npx ts-node --transpile-only --project tsconfig.dev.json {filePath}" --update-on-failed`.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlertDestination, LoginAlerts, PagerDutyRoutingKey, Severity, SlackWebhook } from '../src';

const app = new App();
// Region-agnostic so the assertions stack can refer to it; the test case pins us-east-1 below.
const stack = new Stack(app, 'LoginAlertsInteg');

const logGroup = new logs.LogGroup(stack, 'Secure', { removalPolicy: RemovalPolicy.DESTROY, retention: logs.RetentionDays.ONE_DAY });
const slack = new secretsmanager.Secret(stack, 'SlackWebhook', { description: 'Set to a real Incoming Webhook URL to see Slack messages' });
const pagerDuty = new secretsmanager.Secret(stack, 'PagerDutyRoutingKey', { description: 'Set to a real routing key to see incidents' });
const alerts = new LoginAlerts(stack, 'LoginAlerts', {
  sshLogGroups: [logGroup],
  trustedCidrs: ['198.51.100.0/24'],
  // The second source: re-reads the log group and sign-in history hourly, alerting on anything missed.
  reconcile: {},
  destinations: [
    AlertDestination.slack({ webhook: SlackWebhook.fromSecret(slack) }),
    AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(pagerDuty), minSeverity: Severity.HIGH }),
  ],
});
const inbox = new sqs.Queue(stack, 'Inbox', { enforceSSL: true, retentionPeriod: Duration.hours(1) });
alerts.topic.addSubscription(new subs.SqsSubscription(inbox, { rawMessageDelivery: true }));

const integ = new IntegTest(app, 'LoginAlertsIntegTest', { testCases: [stack], regions: ['us-east-1'] });
const stream = integ.assertions.awsApiCall('CloudWatchLogs', 'createLogStream', { logGroupName: logGroup.logGroupName, logStreamName: 'i-0123456789abcdef0' });
const line = 'Nov 21 09:15:02 ip-10-0-1-23 sshd-session[4242]: Accepted publickey for integ-test from 203.0.113.7 port 50522 ssh2: ED25519 SHA256:integ';
const put = integ.assertions.awsApiCall('CloudWatchLogs', 'putLogEvents', {
  logGroupName: logGroup.logGroupName,
  logStreamName: 'i-0123456789abcdef0',
  logEvents: [{ timestamp: 1795252502000, message: line }],
});
stream.next(put);
put.next(integ.assertions.awsApiCall('SQS', 'receiveMessage', { QueueUrl: inbox.queueUrl, WaitTimeSeconds: 20 })
  .expect(ExpectedResult.objectLike({ Messages: [{ Body: '{"schemaVersion":1,' }] }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) }));

app.synth();
