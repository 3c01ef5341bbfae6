import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand, DeleteSubscriptionFilterCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTagsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DisableRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { TEST_LOGIN_REASON } from '../../lambda/shared/test-login';
import { AlertDestination, LoginAlerts, SlackWebhook } from '../../src';
import { WINDOWS_LOGON_FILTER_PATTERN } from '../../src/contract/event-patterns';
import { awsConfig, createTopicWithQueue, receiveBodies } from '../support/estate';
import { logsDelivery } from '../support/fixtures';
import { bundlePath, invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';
import { deployIntoMoto } from '../support/moto-deploy';

/**
 * `cdk-login-alerts check` (the built CLI, as a process) against a LoginAlerts stack deployed into
 * moto's CloudFormation from the template `cdk synth` writes, assets uploaded as the CDK CLI would.
 *
 * moto's CloudFormation creates the functions, topic, queues, rules and log groups, but skips
 * alarms, subscription filters and SNS subscriptions (not implemented there): the test creates those
 * itself from the same template, named as CloudFormation names them. moto does not run the function
 * a subscription filter targets (no Docker here), so the test-login line the command wrote is taken
 * from moto's log group and run through the built ingest bundle.
 */
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const STACK = 'Security';
const GROUPS = ['/ec2/var/log/secure', '/ec2/var/log/auth.log'];
let moto: Moto;
const WINDOWS_GROUP = '/windows/security';
const cfg = () => awsConfig(moto.endpoint, REGION);

beforeAll(async () => { moto = await startMoto(); }, 60_000);
afterAll(async () => moto?.stop());

/** The app a user writes, synthesized to a cloud assembly. */
function synthesize(): { template: any; assetDir: string; assets: any } {
  const outdir = mkdtempSync(join(tmpdir(), 'check-cdk-out-'));
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    sshLogGroups: GROUPS.map((name, i) => logs.LogGroup.fromLogGroupName(stack, `Group${i}`, name)),
    windowsLogGroups: [logs.LogGroup.fromLogGroupName(stack, 'Security', WINDOWS_GROUP)],
    trustedCidrs: ['198.51.100.0/24'],
    // moto stamps instances launched now: judged at once (minAge 0), not after the hour a real host gets.
    coverage: { minAge: Duration.seconds(0) },
    destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'Slack', 'login-alerts/slack')) })],
  });
  alerts.topic.addSubscription(new subs.EmailSubscription('secops@example.com'));
  app.synth();
  return {
    template: JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8')),
    assetDir: outdir,
    assets: JSON.parse(readFileSync(join(outdir, `${STACK}.assets.json`), 'utf8')),
  };
}

/** `cdk deploy`, as far as moto's CloudFormation goes, then the parts it skips (test/support/moto-deploy.ts). */
async function deploy(): Promise<{ template: any; physical: Map<string, string> }> {
  await moto.reset();
  const { assetDir } = synthesize();
  return deployIntoMoto(moto.endpoint, { region: REGION, account: ACCOUNT, stackName: STACK, assemblyDir: assetDir });
}

function check(...args: string[]) {
  const result = spawnSync(process.execPath, [bundlePath('cli'), 'check', '--stack', STACK, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  });
  // Node 20 draws the AWS SDK's end-of-support warning: anything else on stderr is the command's.
  return { code: result.status, out: result.stdout, err: result.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?where the warning was created\)\n/, '') };
}

const ofType = (template: any, type: string) => Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);

async function startTrail(): Promise<void> {
  const s3 = new S3Client({ ...cfg(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'org-trail' }));
  const cloudtrail = new CloudTrailClient(cfg());
  await cloudtrail.send(new CreateTrailCommand({ Name: 'org-trail', S3BucketName: 'org-trail', IsMultiRegionTrail: true }));
  await cloudtrail.send(new StartLoggingCommand({ Name: 'org-trail' }));
}

describe('cdk-login-alerts check', () => {
  test('a fresh deployment: everything found and healthy but CloudTrail, which is off, and logs, which never came', async () => {
    const { template, physical } = await deploy();
    const run = check();
    expect(run.err).toBe('');
    expect(run.code).toBe(1);
    const lines = run.out.split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual(['FAIL  CloudTrail: no trail logs us-east-1: console sign-ins, sessions and Instance Connect calls will not alert until one does (docs/OPERATING.md, "Troubleshooting")']);
    for (const group of GROUPS) {
      expect(lines).toContain(`ok    subscription filter: ${group} → ingest (%sshd.*Accepted|ec2-instance-connect.*Providing%)`);
      expect(lines).toContain(`WARN  log shipping: ${group} received no log event in the last 24 hours: is the CloudWatch agent shipping to it? (docs/OPERATING.md, "Ship the instances' auth logs"; Windows: docs/WINDOWS.md)`);
    }
    // The Windows Security log group: its own filter, and the same shipping check.
    expect(lines).toContain(`ok    subscription filter: ${WINDOWS_GROUP} → ingest (${WINDOWS_LOGON_FILTER_PATTERN})`);
    expect(lines).toContain(`WARN  log shipping: ${WINDOWS_GROUP} received no log event in the last 24 hours: is the CloudWatch agent shipping to it? (docs/OPERATING.md, "Ship the instances' auth logs"; Windows: docs/WINDOWS.md)`);
    expect(lines.filter((l) => l.startsWith('ok    dead-letter queue:'))).toHaveLength(ofType(template, 'AWS::SQS::Queue').length);
    expect(lines).toContain(`ok    alarms: ${ofType(template, 'AWS::CloudWatch::Alarm').length} alarm(s), none in ALARM`);
    // The sign-in and session rules, and the coverage run's schedule.
    expect(lines.filter((l) => l.startsWith('ok    EventBridge rule:'))).toHaveLength(3);
    expect(lines).toContain('ok    topic subscription: email secops@example.com');
    // Where to look when nothing arrives: the function's own log group, not Lambda's default name.
    const [[ingestLogGroup]] = ofType(template, 'AWS::Logs::LogGroup').filter(([id]) => id.includes('IngestFunctionLogGroup'));
    expect(lines).toContain(`Logs: the ingest function's log group ${physical.get(ingestLogGroup)} (and each destination's).`);
  }, 120_000);

  test('with a trail logging, the same deployment passes', async () => {
    await deploy();
    await startTrail();
    const run = check('--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    expect(report.findings.filter((f: any) => f.status === 'fail')).toEqual([]);
    expect(report.findings).toContainEqual({ status: 'ok', check: 'CloudTrail', detail: 'trail org-trail is logging in us-east-1 (multi-region)' });
  }, 120_000);

  test('each way a deployment breaks is named: a dead letter, a firing alarm, a disabled rule, a lost filter', async () => {
    const { template, physical } = await deploy();
    await startTrail();
    const [[ingestQueueId]] = ofType(template, 'AWS::SQS::Queue').filter(([id]) => id.includes('IngestDeadLetterQueue'));
    await new SQSClient(cfg()).send(new SendMessageCommand({ QueueUrl: physical.get(ingestQueueId), MessageBody: '{"a":"failed delivery"}' }));
    const [[alarmId]] = ofType(template, 'AWS::CloudWatch::Alarm');
    await new CloudWatchClient(cfg()).send(new SetAlarmStateCommand({ AlarmName: `${STACK}-${alarmId}-ABCDEF123456`, StateValue: 'ALARM', StateReason: 'test' }));
    const [[ruleId]] = ofType(template, 'AWS::Events::Rule').filter(([id]) => id.includes('ConsoleLogin'));
    await new EventBridgeClient(cfg()).send(new DisableRuleCommand({ Name: physical.get(ruleId) }));
    await new CloudWatchLogsClient(cfg()).send(new DeleteSubscriptionFilterCommand({ logGroupName: GROUPS[1], filterName: `${STACK}-${ofType(template, 'AWS::Logs::SubscriptionFilter')[1][0]}` }));

    const run = check();
    expect(run.code).toBe(1);
    const failures = run.out.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failures).toEqual(expect.arrayContaining([
      `FAIL  dead-letter queue: 1 message(s) wait in ${physical.get(ingestQueueId)}: undelivered logins or alerts (docs/OPERATING.md, "Troubleshooting")`,
      expect.stringMatching(new RegExp(`^FAIL  alarm: ${STACK}-${alarmId}-ABCDEF123456 is in ALARM: `)),
      `FAIL  EventBridge rule: ${physical.get(ruleId)} is DISABLED: its events do not reach the ingest function`,
      `FAIL  subscription filter: log group ${GROUPS[1]} has no subscription filter to the ingest function (0 other filter(s)): redeploy the stack`,
    ]));
    expect(failures).toHaveLength(4);
  }, 120_000);

  test('--coverage names the running instance that ships no log, with what to do, and each region\'s sources', async () => {
    await deploy();
    await startTrail();
    const ec2 = new EC2Client(cfg());
    const [shipping, dark] = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 2, MaxCount: 2 }))).Instances!.map((i) => i.InstanceId!);
    await ec2.send(new CreateTagsCommand({ Resources: [dark], Tags: [{ Key: 'Name', Value: 'payments-1' }] }));
    const logsClient = new CloudWatchLogsClient(cfg());
    await logsClient.send(new CreateLogStreamCommand({ logGroupName: GROUPS[0], logStreamName: shipping }));
    await logsClient.send(new PutLogEventsCommand({ logGroupName: GROUPS[0], logStreamName: shipping, logEvents: [{ timestamp: Date.now(), message: 'sshd[1]: Accepted publickey for ec2-user' }] }));

    const json = check('--coverage', '--json');
    expect(json.err).toBe('');
    expect(json.code).toBe(1);
    const { coverage } = JSON.parse(json.out);
    expect(coverage.neverSeenHosts.map((h: any) => h.instanceId)).toEqual([dark]);
    expect(coverage.counts).toMatchObject({ covered: 1, neverSeen: 1, silent: 0, uncoveredRegions: 0 });

    const text = check('--coverage');
    const row = text.out.split('\n').find((l) => l.includes(dark))!;
    // moto's image is a Windows one (DescribeInstances says Platform windows): the Security log is named.
    expect(row).toMatch(new RegExp(`^  us-east-1 +${dark} +payments-1 +never seen +no log stream: is the CloudWatch agent installed, with the Security event log`));
    expect(text.out).toContain('Sources by region:\n  us-east-1       ok');
    // Read-only: nothing published, nothing stored in the ledger.
    expect(text.out).toContain('nothing published or stored');
  }, 120_000);

  test('--send-test-login writes a marked line through the real path, and the ingest bundle alerts on it as predicted', async () => {
    await deploy();
    await startTrail();
    const run = check('--send-test-login', '--json');
    expect(run.code).toBe(0);
    const { testLogin } = JSON.parse(run.out);
    expect(testLogin.logGroupName).toBe(GROUPS[0]);
    // What landed in the log group is exactly the line the command reported.
    const { events = [] } = await new CloudWatchLogsClient(cfg()).send(new GetLogEventsCommand({ logGroupName: GROUPS[0], logStreamName: 'cdk-login-alerts-check' }));
    expect(events.map((e) => e.message)).toEqual([testLogin.line]);
    expect(testLogin.line).toMatch(/^\S+Z cdk-login-alerts-check sshd\[4242\]: Accepted publickey for cdk-login-alerts-test from 192\.0\.2\.10 port 4242 ssh2: ED25519 SHA256:[A-Za-z0-9+/]{43}$/);
    // The Slack destination takes every severity; the email subscriber takes everything; the coverage function's subscription only heartbeats.
    expect(testLogin.deliveries.map((d: any) => [d.protocol, d.receives]).sort()).toEqual([['email', true], ['lambda', false], ['lambda', true]]);

    // The subscription filter's pattern passes the line, and the built ingest function alerts on it.
    const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'alerts');
    const delivery = logsDelivery([testLogin.line], { logGroup: GROUPS[0], logStream: 'cdk-login-alerts-check' });
    const ingest = await invokeBundle('ingest', [delivery], {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      ALERT_TOPIC_ARN: topicArn,
      ENRICH_INSTANCES: 'false',
      TRUSTED_CIDRS: '198.51.100.0/24',
    });
    expect(ingest.invocations[0].result).toEqual({ alerts: 1, linesRead: 1 });
    const [notification] = (await receiveBodies(moto.endpoint, queueUrl)).map((b) => JSON.parse(b));
    const alert = JSON.parse(notification.Message);
    expect(alert.reasons[0]).toBe(TEST_LOGIN_REASON);
    expect([alert.user, alert.sourceIp, alert.host]).toEqual(['cdk-login-alerts-test', '192.0.2.10', { hostname: 'cdk-login-alerts-check' }]);
    // The marker never quiets: the severity is the default policy's, as the command predicted.
    expect(alert.severity).toBe('medium');
    expect(testLogin.expected.severity).toBe(alert.severity);
    expect(testLogin.expected.summary).toBe(alert.summary);
  }, 120_000);

  test('a stack that is not there, and bad usage, exit 2', async () => {
    await moto.reset();
    expect(check()).toMatchObject({ code: 2, err: expect.stringContaining('stack Security could not be read') });
    const noStack = spawnSync(process.execPath, [bundlePath('cli'), 'check'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(noStack).toMatchObject({ status: 2, stderr: expect.stringContaining('--stack is required') });
  }, 60_000);
});
