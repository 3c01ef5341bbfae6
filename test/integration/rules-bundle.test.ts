import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { AlertRule, LoginKind, Severity } from '../../src';
import { awsConfig, createQueue, createTopicWithQueue, receiveBodies, slackFilterPolicy } from '../support/estate';
import { logsDelivery } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * Noise-control rules in the built ingest bundle against moto's SNS, SQS and S3: a suppressed login
 * still reaches the topic (an audit subscriber sees it, marked) while a subscriber with the filter
 * policy the construct synthesizes for Slack does not; rules too large for the environment are read
 * from S3; rules that cannot be read hold nothing back.
 */

let moto: Moto;
beforeAll(async () => { moto = await startMoto(); });
afterAll(async () => { await moto?.stop(); });

const rules = [
  AlertRule.suppress({ name: 'deploy from CI', kinds: [LoginKind.SSH], users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] }),
  AlertRule.severity({ name: 'root is critical', users: ['root'], severity: Severity.CRITICAL }),
];
const lines = [
  'Nov 21 09:15:02 web-1 sshd[1]: Accepted publickey for deploy from 198.51.100.20 port 50522 ssh2',
  'Nov 21 09:15:03 web-1 sshd[2]: Accepted publickey for alice from 203.0.113.7 port 50523 ssh2',
  'Nov 21 09:15:04 web-1 sshd[3]: Accepted password for root from 198.51.100.21 port 50524 ssh2',
];
const delivery = logsDelivery(lines, { idPrefix: 'rule-' });
const sentIds = lines.map((_, i) => `rule-${String(i).padStart(4, '0')}`);

async function run(alertRules: string) {
  await moto.reset();
  const { topicArn, queueUrl: auditQueue } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const slack = await createQueue(moto.endpoint, 'slack-inbox');
  await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: slack.arn, Attributes: { FilterPolicy: slackFilterPolicy() },
  }));
  const s3 = new S3Client({ ...awsConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'assets', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'assets', Key: 'rules.json', Body: JSON.stringify(rules.map((r) => r.toJson())) }));
  const result = await invokeBundle('ingest', [delivery], { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false', ALERT_RULES: alertRules });
  const read = async (queueUrl: string) => (await receiveBodies(moto.endpoint, queueUrl)).map((body) => {
    const notification = JSON.parse(body);
    return { alert: JSON.parse(notification.Message), suppressedAttribute: notification.MessageAttributes?.suppressed?.Value };
  }).sort((a, b) => a.alert.id.localeCompare(b.alert.id));
  return { result, audit: await read(auditQueue), slack: await read(slack.url) };
}

test.each([
  ['in the environment', JSON.stringify(rules.map((r) => r.toJson()))],
  ['from S3 (a rule set too large for the environment)', 's3://assets/rules.json'],
])('rules %s: every login reaches the topic, the suppressed one marked, and the Slack filter leaves it out', async (_where, alertRules) => {
  const { audit, slack } = await run(alertRules);
  expect(audit.map((m) => m.alert.id)).toEqual(sentIds);
  expect(audit.map((m) => [m.alert.user, m.alert.severity, m.alert.suppressed ?? null, m.suppressedAttribute])).toEqual([
    ['deploy', 'info', { rule: 'deploy from CI' }, 'true'],
    ['alice', 'medium', null, 'false'],
    ['root', 'critical', null, 'false'],
  ]);
  expect(slack.map((m) => m.alert.id)).toEqual([sentIds[1], sentIds[2]]);
});

test('rules that cannot be read: every alert goes out unsuppressed, saying so, and the function logs why', async () => {
  const { result, audit, slack } = await run('s3://assets/missing.json');
  expect(audit.map((m) => m.alert.id)).toEqual(sentIds);
  expect(slack.map((m) => m.alert.id)).toEqual(sentIds);
  for (const { alert } of audit) expect(alert.reasons).toContain('alert rules unavailable: not applied');
  expect(result.logs).toMatch(/"message":"alert rules unavailable"/);
});

test('malformed rules in the environment fail the invocation loudly (Lambda retries, then dead-letters: nothing is lost)', async () => {
  const { result, audit } = await run('[{"name":"everything","action":"suppress","match":{}}]');
  expect(result.invocations[0].error?.message).toMatch(/rule "everything" has no condition/);
  expect(audit).toEqual([]);
});
