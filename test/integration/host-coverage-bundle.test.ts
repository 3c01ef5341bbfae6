import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cwl from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createLedgerTable, createTopicWithQueue, receiveBodies } from '../support/estate';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * The built coverage bundle on moto, in two regions. eu-west-1 (the construct's): a host shipping
 * now, one silent for two days, one never seen (Systems Manager says Amazon Linux 2023), one exempt
 * by tag, one launched ten minutes ago; the construct's two rules enabled and a multi-region trail
 * logging. us-east-1: a host shipping under its private DNS name, one never seen, and the forwarder's
 * rule disabled. moto stamps every instance launched now, so the call counter dates DescribeInstances'
 * launch times back (all three days, the young one ten minutes); moto has no Systems Manager
 * DescribeInstanceInformation, so a local HTTP fake answers it (AWS_ENDPOINT_URL_SSM).
 */

const aws = useMotoWithCallCounter();
const HOUR = 3_600_000;
const ACCOUNT = '123456789012';
const BUS_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/login-alerts-sign-ins`;

interface Estate {
  hosts: Record<'fresh' | 'silent' | 'never' | 'exempt' | 'young' | 'usFresh' | 'usNever', string>;
  run(): Promise<{ summary: any; logs: string }>;
  alerts(): Promise<Alert[]>;
  ship(instanceId: string): Promise<void>;
}

async function estate(ssm: HttpReceiver): Promise<Estate> {
  await aws.moto.reset();
  aws.counter.reset();
  const now = Date.now();
  const endpoint = aws.moto.endpoint;
  await createLedgerTable(endpoint);
  const { topicArn, queueUrl } = await createTopicWithQueue(endpoint, 'alerts');

  const launch = async (region: string, n: number) => {
    const run = await new ec2.EC2Client(awsConfig(endpoint, region)).send(new ec2.RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: n, MaxCount: n }));
    return run.Instances!;
  };
  const [fresh, silent, never, exempt, young] = (await launch('eu-west-1', 5)).map((i) => i.InstanceId!);
  const [usFresh, usNever] = await launch('us-east-1', 2);
  await new ec2.EC2Client(awsConfig(endpoint)).send(new ec2.CreateTagsCommand({ Resources: [exempt], Tags: [{ Key: 'login-alerts:exempt', Value: 'build host, rebuilt hourly' }] }));
  await new ec2.EC2Client(awsConfig(endpoint)).send(new ec2.CreateTagsCommand({ Resources: [never], Tags: [{ Key: 'Name', Value: 'payments-1' }] }));
  // moto cannot be told a launch time: dated back in its answer (young: ten minutes; the rest: three days).
  aws.counter.rewriteAnswers.set('DescribeInstances', (xml) => xml.replace(/(<instanceId>(i-[0-9a-f]+)<\/instanceId>[\s\S]*?<launchTime>)[^<]+(<\/launchTime>)/g,
    (_m, head: string, id: string, tail: string) => `${head}${new Date(id === young ? Date.now() - 10 * 60_000 : now - 72 * HOUR).toISOString()}${tail}`));

  const logs = new cwl.CloudWatchLogsClient(awsConfig(endpoint));
  await logs.send(new cwl.CreateLogGroupCommand({ logGroupName: '/ec2/secure' }));
  const put = async (stream: string, at: number) => {
    await logs.send(new cwl.CreateLogStreamCommand({ logGroupName: '/ec2/secure', logStreamName: stream })).catch(() => undefined);
    await logs.send(new cwl.PutLogEventsCommand({ logGroupName: '/ec2/secure', logStreamName: stream, logEvents: [{ timestamp: at, message: 'sshd[1]: Accepted publickey for ec2-user' }] }));
  };
  await put(fresh, now - 60_000);
  await put(silent, now - 48 * HOUR);
  await put(usFresh.PrivateDnsName!, now - 5 * 60_000);

  const events = (region: string) => new eventbridge.EventBridgeClient(awsConfig(endpoint, region));
  const pattern = JSON.stringify({ source: ['aws.signin'] });
  for (const name of ['LoginAlertsConsoleLoginRule', 'LoginAlertsSessionEventsRule']) {
    await events('eu-west-1').send(new eventbridge.PutRuleCommand({ Name: name, EventPattern: pattern, State: 'ENABLED' }));
  }
  await events('eu-west-1').send(new eventbridge.CreateEventBusCommand({ Name: 'login-alerts-sign-ins' }));
  await events('us-east-1').send(new eventbridge.PutRuleCommand({ Name: 'ForwarderRule', EventPattern: pattern, State: 'DISABLED' }));
  await events('us-east-1').send(new eventbridge.PutTargetsCommand({
    Rule: 'ForwarderRule', Targets: [{ Id: 'central', Arn: BUS_ARN, RoleArn: `arn:aws:iam::${ACCOUNT}:role/forwarder` }],
  }));
  await new S3Client({ ...awsConfig(endpoint), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'trail', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  const trails = new cloudtrail.CloudTrailClient(awsConfig(endpoint));
  await trails.send(new cloudtrail.CreateTrailCommand({ Name: 'org', S3BucketName: 'trail', IsMultiRegionTrail: true }));
  await trails.send(new cloudtrail.StartLoggingCommand({ Name: 'org' }));

  const env = {
    AWS_ENDPOINT_URL: aws.counter.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    ALERT_TOPIC_ARN: topicArn,
    LEDGER_TABLE_NAME: 'ledger',
    COVERAGE_REGIONS: 'eu-west-1,us-east-1',
    COVERAGE_LOG_GROUPS: '/ec2/secure',
    COVERAGE_RULE_NAMES: 'LoginAlertsConsoleLoginRule,LoginAlertsSessionEventsRule',
    COVERAGE_FORWARDED_BUS_ARN: BUS_ARN,
  };
  return {
    hosts: { fresh, silent, never, exempt, young, usFresh: usFresh.InstanceId!, usNever: usNever.InstanceId! },
    async run() {
      const run = await invokeBundle('host-coverage', [{}], env, { functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:coverage`, timeoutMs: 600_000 });
      expect(run.invocations[0].error).toBeUndefined();
      return { summary: run.invocations[0].result, logs: run.logs };
    },
    async alerts() {
      return (await receiveBodies(endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message) as Alert);
    },
    ship: (instanceId) => put(instanceId, Date.now()),
  };
}

let ssm: HttpReceiver;
beforeAll(async () => {
  ssm = await HttpReceiver.start({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"InstanceInformationList":[]}' });
});
afterAll(() => ssm.stop());

test('a host that ships no log is named in one coverage alert with why; a disabled forwarder names its region; nothing changed, nothing sent', async () => {
  const e = await estate(ssm);
  ssm.reset();
  // eu-west-1 is checked first (neither region was checked before: in the order given).
  ssm.reply({
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ InstanceInformationList: [{ InstanceId: e.hosts.never, PingStatus: 'Online', PlatformName: 'Amazon Linux', PlatformVersion: '2023', PlatformType: 'Linux' }] }),
  });

  const first = await e.run();
  expect(first.summary).toMatchObject({
    coveredHosts: 2, silentHosts: 1, neverSeenHosts: 2, exemptHosts: 1, tooNewHosts: 1, uncoveredHosts: 3, uncoveredRegions: 1,
  });
  const [alert, ...more] = await e.alerts();
  expect(more).toEqual([]);
  expect(alert).toMatchObject({ kind: 'coverage', severity: 'low', outcome: 'failure', account: ACCOUNT, region: 'eu-west-1', id: first.summary.published });
  expect(alertSchemaErrors(alert)).toEqual([]);
  const report = alert.coverage!;
  expect(report.neverSeenHosts.map((h) => `${h.region}/${h.instanceId}`)).toEqual([`eu-west-1/${e.hosts.never}`, `us-east-1/${e.hosts.usNever}`].sort());
  expect(report.silentHosts.map((h) => h.instanceId)).toEqual([e.hosts.silent]);
  expect(report.silentHosts[0]).toMatchObject({ logGroup: '/ec2/secure', logStream: e.hosts.silent, reason: expect.stringContaining('nothing for 2 days') });
  const payments = report.neverSeenHosts.find((h) => h.instanceId === e.hosts.never)!;
  expect(payments).toMatchObject({ name: 'payments-1', reason: expect.stringContaining('Amazon Linux 2023 writes sshd\'s log to journald only') });
  expect(report.uncoveredRegions).toEqual([{ region: 'us-east-1', problems: [expect.stringContaining('forwarder rule ForwarderRule in us-east-1 is DISABLED')] }]);
  // Neither the exempt host nor the young one is dark; both are counted.
  const named = [...report.neverSeenHosts, ...report.silentHosts].map((h) => h.instanceId);
  expect(named).not.toContain(e.hosts.exempt);
  expect(named).not.toContain(e.hosts.young);
  expect(report.counts).toEqual({
    covered: 2, silent: 1, neverSeen: 2, exempt: 1, tooNew: 1, regionsChecked: 2, uncoveredRegions: 1, silentAccounts: 0,
  });
  expect(report.newlyUncovered).toHaveLength(4);
  // Systems Manager was asked only about the dark hosts, once per region.
  expect(ssm.requests.map((r) => r.json.Filters[0].Values.sort())).toEqual(expect.arrayContaining([[e.hosts.never, e.hosts.silent].sort()]));

  // Nothing changed: nothing published.
  const second = await e.run();
  expect(second.summary.published).toBeUndefined();
  expect(await e.alerts()).toEqual([]);

  // The silent host ships again: one alert, saying so.
  await e.ship(e.hosts.silent);
  const third = await e.run();
  expect(third.summary).toMatchObject({ silentHosts: 0, uncoveredHosts: 2 });
  const [back] = await e.alerts();
  expect(back.coverage).toMatchObject({ coveredAgain: [`eu-west-1/${e.hosts.silent}`], newlyUncovered: [], silentHosts: [] });
  expect(back.id).not.toBe(alert.id);
  expect(alertSchemaErrors(back)).toEqual([]);
});
