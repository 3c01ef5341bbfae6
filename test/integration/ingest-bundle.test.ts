import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createTopicWithQueue, receiveBodies } from '../support/estate';
import { cloudTrailEvent, encodeLogs, logsDelivery, sshLines } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * The built ingest bundle (assets/ingest/index.js) against moto: real EC2 DescribeInstances and SNS
 * PublishBatch calls, alerts read back from an SQS queue subscribed to the topic.
 */

const region = 'eu-west-1';
const aws = useMotoWithCallCounter();

interface Estate {
  topicArn: string;
  queueUrl: string;
  web1: { id: string; privateIp: string };
}

async function createEstate(): Promise<Estate> {
  await aws.moto.reset();
  aws.counter.reset();
  const ec2 = new EC2Client(awsConfig(aws.moto.endpoint));
  const run = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b',
    MinCount: 1,
    MaxCount: 1,
    InstanceType: 't4g.small',
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'team', Value: 'payments' }, { Key: 'env', Value: 'prod' }] }],
  }));
  const instance = run.Instances![0];
  // A second instance, so enrichment has to pick the right one.
  await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'db-1' }] }] }));
  const { topicArn, queueUrl } = await createTopicWithQueue(aws.moto.endpoint, 'login-alerts');
  return { topicArn, queueUrl, web1: { id: instance.InstanceId!, privateIp: instance.PrivateIpAddress! } };
}

interface Received {
  alert: Alert;
  attributes: Record<string, string>;
}

/** Every SNS notification on the queue: the alert and its message attributes. */
async function receiveAll(queueUrl: string): Promise<Received[]> {
  return (await receiveBodies(aws.moto.endpoint, queueUrl)).map((body) => {
    const notification = JSON.parse(body);
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(notification.MessageAttributes ?? {})) attributes[name] = (value as { Value: string }).Value;
    return { alert: JSON.parse(notification.Message), attributes };
  });
}

function env(estate: Estate, extra: Record<string, string> = {}) {
  return { AWS_ENDPOINT_URL: aws.counter.endpoint, AWS_REGION: region, ALERT_TOPIC_ARN: estate.topicArn, ...extra };
}

describe('ingest bundle on moto', () => {
  test('sessions, Instance Connect pushes and tunnels from CloudTrail, and an attributed SSH login, reach the topic enriched', async () => {
    const estate = await createEstate();
    const onWeb1 = (fixture: string) => {
      const event = cloudTrailEvent(fixture);
      const request = event.detail.requestParameters;
      if (request.target) request.target = estate.web1.id;
      if (request.instanceId) request.instanceId = estate.web1.id;
      if (request.privateIpAddress) request.privateIpAddress = estate.web1.privateIp;
      return event;
    };
    const events = [
      ...['ssm-start-session-shell', 'eic-send-ssh-public-key', 'eic-open-tunnel'].map(onWeb1),
      logsDelivery(sshLines('amazon-linux-2023-instance-connect.log').slice(0, 3), { logGroup: '/ec2/var/log/secure', logStream: estate.web1.id, idPrefix: 'eic' }),
    ];
    const run = await invokeBundle('ingest', events, env(estate));
    expect(run.invocations.map((i) => i.result)).toEqual([
      { alerts: 1, linesRead: 0 }, { alerts: 1, linesRead: 0 }, { alerts: 1, linesRead: 0 }, { alerts: 1, linesRead: 3 },
    ]);
    const received = await receiveAll(estate.queueUrl);
    for (const { alert } of received) expect(alertSchemaErrors(alert)).toEqual([]);
    // Read as received JSON: the fields each kind carries are checked by value below.
    const byKind = (kind: string) => received.filter((r) => r.alert.kind === kind) as Array<{ alert: any; attributes: Record<string, string> }>;
    expect(byKind('ssm-session').map((r) => [r.alert.actor.name, r.alert.host.name, r.attributes.kind])).toEqual([['alice@example.com', 'web-1', 'ssm-session']]);
    expect(byKind('instance-connect').map((r) => [r.alert.origin.eventName, r.alert.host.name]).sort()).toEqual([['OpenTunnel', 'web-1'], ['SendSSHPublicKey', 'web-1']]);
    expect(byKind('ssh').map((r) => [r.alert.user, r.alert.actor.name, r.alert.actor.via, r.alert.severity, r.alert.host.name])).toEqual([
      ['ec2-user', 'alice@example.com', 'instance-connect', 'low', 'web-1'],
    ]);
  });

  test('a CloudTrail record missing what it should name still alerts, and the gap is logged', async () => {
    const estate = await createEstate();
    const event = cloudTrailEvent('eic-send-ssh-public-key');
    delete event.detail.requestParameters.instanceOSUser;
    event.detail.requestParameters.sSHPublicKey = 'not a key';
    const run = await invokeBundle('ingest', [event], env(estate));
    expect(run.invocations[0].result).toEqual({ alerts: 1, linesRead: 0 });
    const [{ alert }] = await receiveAll(estate.queueUrl);
    expect(alert.reasons).toEqual(expect.arrayContaining(['SendSSHPublicKey record without an instanceOSUser', 'the pushed public key could not be read']));
    const warning = run.logs.split('\n').filter((l) => l.includes('incomplete record')).map((l) => JSON.parse(l));
    expect(warning).toEqual([expect.objectContaining({
      level: 'WARN', reasons: ['SendSSHPublicKey record without an instanceOSUser', 'the pushed public key could not be read'], alertIds: [alert.id],
    })]);
  });

  test('SSH logins from three distros arrive on the topic as enriched alerts, field by field', async () => {
    const estate = await createEstate();
    const stream = estate.web1.id;
    const events = [
      logsDelivery(sshLines('ubuntu-22.04-auth.log'), { logGroup: '/ec2/var/log/auth.log', logStream: stream, idPrefix: 'u' }),
      logsDelivery(sshLines('amazon-linux-2-secure'), { logGroup: '/ec2/var/log/secure', logStream: stream, idPrefix: 'a' }),
      logsDelivery(sshLines('debian-12-rfc3339-sshd-session.log'), { logGroup: '/ec2/var/log/auth.log', logStream: `${stream}/auth.log`, idPrefix: 'd' }),
    ];
    const run = await invokeBundle('ingest', events, env(estate, { TRUSTED_CIDRS: '198.51.100.0/24' }));
    expect(run.invocations.map((i) => i.error)).toEqual([undefined, undefined, undefined]);
    expect(run.invocations.map((i) => i.result)).toEqual([
      { alerts: 3, linesRead: 8 }, { alerts: 4, linesRead: 6 }, { alerts: 4, linesRead: 8 },
    ]);

    const received = await receiveAll(estate.queueUrl);
    expect(received).toHaveLength(11);
    for (const { alert } of received) expect(alertSchemaErrors(alert)).toEqual([]);

    const ubuntu = received.find((r) => r.alert.id === 'u0000')!;
    expect(ubuntu.alert).toEqual({
      schemaVersion: 1,
      id: 'u0000',
      kind: 'ssh',
      severity: 'medium',
      reasons: ['SSH login', 'source IP outside trusted ranges'],
      outcome: 'success',
      time: '2026-11-21T09:15:02.000Z',
      account: '123456789012',
      region,
      user: 'ubuntu',
      sourceIp: '203.0.113.7',
      method: 'publickey',
      port: 50522,
      keyType: 'ED25519',
      keyFingerprint: 'SHA256:Xq0wK8l2cPjZ2x1Hq3VbA7bqQm1gk3hQ3c5oCkqzQ0s',
      summary: '[MEDIUM] SSH login: ubuntu@web-1 from 203.0.113.7 (publickey)',
      origin: { logGroup: '/ec2/var/log/auth.log', logStream: stream, message: sshLines('ubuntu-22.04-auth.log')[0] },
      host: {
        instanceId: estate.web1.id,
        hostname: 'ip-10-0-1-23',
        privateIp: estate.web1.privateIp,
        privateDnsName: expect.stringMatching(/^ip-/),
        name: 'web-1',
        tags: { Name: 'web-1', team: 'payments', env: 'prod' },
        availabilityZone: expect.stringMatching(/^eu-west-1[a-c]$/),
        instanceType: 't4g.small',
        vpcId: expect.stringMatching(/^vpc-/),
        imageId: 'ami-12c6146b',
        state: 'running',
      },
    });
    expect(ubuntu.attributes).toEqual({ severity: 'medium', kind: 'ssh', outcome: 'success', account: '123456789012', suppressed: 'false', repeat: 'false' });

    const carol = received.find((r) => r.alert.user === 'carol')!;
    expect(carol.alert).toMatchObject({ severity: 'medium', sourceIp: '198.51.100.20', reasons: ['password login', 'source IP inside trusted ranges'] });
    const root = received.find((r) => r.alert.user === 'root')!;
    expect(root.attributes.severity).toBe('high');
    const cert = received.find((r) => r.alert.keyType === 'ED25519-CERT')!;
    expect(cert.alert.certificate).toEqual({ keyId: 'deploy@ci.example.com', serial: '42', caKeyType: 'ED25519', caFingerprint: 'SHA256:Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4C' });
    const unparsed = received.find((r) => r.alert.user === 'unknown')!;
    expect(unparsed.alert).toMatchObject({ severity: 'medium', reasons: ['sshd login line could not be parsed'], host: { name: 'web-1' } });
    expect((unparsed.alert.origin as { message: string }).message).toContain('sshd-session[4400]: Accepted publickey for deploy from 203.0.113.7 port');

    // One DescribeInstances for the whole run (the instance is cached after the first delivery);
    // one PublishBatch per delivery, since none has more than ten alerts.
    expect(aws.counter.count('DescribeInstances')).toBe(1);
    expect(aws.counter.count('PublishBatch')).toBe(3);
    expect(aws.counter.count('Publish')).toBe(0);
  });

  // The cost of a batch grows with distinct instances and alerts, never with per-line round trips.
  // (Sized to keep moto quick; the benchmark runs 1,000 lines from 50 instances.)
  test('a delivery of 250 logins from 25 instances costs one DescribeInstances and 25 PublishBatch calls', async () => {
    const estate = await createEstate();
    const ec2 = new EC2Client(awsConfig(aws.moto.endpoint));
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 25, MaxCount: 25 }));
    const ips = run.Instances!.map((i) => i.PrivateIpAddress!);
    aws.counter.reset();
    const lines = Array.from({ length: 250 }, (_, n) =>
      `Nov 21 09:15:02 ip-${ips[n % 25].replace(/\./g, '-')} sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:k${n}`);
    const result = await invokeBundle('ingest', [logsDelivery(lines, { logStream: 'fleet/secure' })], env(estate));
    expect(result.invocations[0]).toEqual({ result: { alerts: 250, linesRead: 250 } });
    expect(aws.counter.count('DescribeInstances')).toBe(1);
    expect(aws.counter.count('PublishBatch')).toBe(25);
    const received = await receiveAll(estate.queueUrl);
    expect(received).toHaveLength(250);
    expect(new Set(received.map((r) => r.alert.id)).size).toBe(250);
    expect(new Set(received.map((r) => r.alert.host?.instanceId)).size).toBe(25);
  });

  test('an EC2 hostname without an instance id in the stream is found by private IP', async () => {
    const estate = await createEstate();
    const line = `Nov 21 09:15:02 ip-${estate.web1.privateIp.replace(/\./g, '-')} sshd[9]: Accepted publickey for ops from 192.0.2.50 port 2222 ssh2: RSA SHA256:zz`;
    await invokeBundle('ingest', [logsDelivery([line], { logStream: 'web-servers' })], env(estate));
    const [received] = await receiveAll(estate.queueUrl);
    expect(received.alert.host).toMatchObject({ instanceId: estate.web1.id, name: 'web-1' });
  });

  test('console sign-ins arrive with their severity and attributes', async () => {
    const estate = await createEstate();
    const run = await invokeBundle('ingest', [cloudTrailEvent('root-success-no-mfa'), cloudTrailEvent('identity-center'), cloudTrailEvent('iam-user-failure-hidden')], env(estate));
    expect(run.invocations.map((i) => i.result)).toEqual([{ alerts: 1, linesRead: 0 }, { alerts: 1, linesRead: 0 }, { alerts: 1, linesRead: 0 }]);
    const received = await receiveAll(estate.queueUrl);
    const byId = Object.fromEntries(received.map((r) => [r.alert.id, r]));
    expect(byId['deadbeef-0000-4000-8000-000000000001'].alert).toMatchObject({
      kind: 'console',
      severity: 'critical',
      user: 'root',
      mfa: false,
      outcome: 'success',
      account: '111122223333',
      region: 'us-east-1',
      principal: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
    });
    expect(byId['deadbeef-0000-4000-8000-000000000001'].attributes).toEqual({ severity: 'critical', kind: 'console', outcome: 'success', account: '111122223333', suppressed: 'false', repeat: 'false' });
    expect(byId['5b2ff5b6-7a6e-4c6f-9e1b-5aa5e5ee0002'].alert).toMatchObject({ severity: 'low', user: 'jane.doe@example.com', principal: { federation: 'identity-center' } });
    expect(byId['3fcfb182-98f8-4744-bd45-10a395ab61cd'].attributes).toMatchObject({ severity: 'medium', outcome: 'failure' });
    for (const { alert } of received) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(aws.counter.count('DescribeInstances')).toBe(0);
  });

  test('when EC2 fails, alerts still go out with enrichmentError', async () => {
    const estate = await createEstate();
    aws.counter.failing.add('DescribeInstances');
    const run = await invokeBundle('ingest', [logsDelivery(sshLines('amazon-linux-2-secure'), { logStream: estate.web1.id })], env(estate));
    expect(run.invocations[0]).toEqual({ result: { alerts: 4, linesRead: 6 } });
    const received = await receiveAll(estate.queueUrl);
    expect(received).toHaveLength(4);
    for (const { alert } of received) {
      expect(alert.enrichmentError).toMatch(/^DescribeInstances failed: /);
      // The log stream still names the instance, so the alert keeps its id without EC2's answer.
      expect(alert.host).toEqual({ instanceId: estate.web1.id, hostname: 'ip-172-31-40-12' });
    }
    expect(run.logs).toContain('alert not enriched');
  });

  test('when SNS keeps failing the invocation fails, so Lambda retries it', async () => {
    const estate = await createEstate();
    aws.counter.failing.add('PublishBatch');
    const run = await invokeBundle('ingest', [logsDelivery(sshLines('amazon-linux-2-secure'))], env(estate));
    expect(run.invocations[0].error).toBeDefined();
    expect(run.logs).toContain('publishing failed; the invocation will be retried');
  });

  test('a malformed event is logged with its reason and rejected; non-login events are ignored', async () => {
    const estate = await createEstate();
    const run = await invokeBundle('ingest', [
      { awslogs: { data: 'bm90IGd6aXA=' } },
      encodeLogs({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [] }),
      { ...cloudTrailEvent('iam-user-mfa'), detail: { ...cloudTrailEvent('iam-user-mfa').detail, eventName: 'CheckMfa' } },
    ], env(estate));
    expect(run.invocations[0].error).toEqual({ name: 'MalformedEnvelopeError', message: expect.stringContaining('malformed event: awslogs.data is not gzip') });
    expect(run.invocations[1]).toEqual({ result: { alerts: 0, linesRead: 0, ignored: 'CloudWatch Logs control message' } });
    expect(run.invocations[2].result).toMatchObject({ alerts: 0, ignored: expect.stringContaining('is not a sign-in or a call that opens a way in') });
    const rejection = run.logs.split('\n').filter((l) => l.includes('rejected malformed event')).map((l) => JSON.parse(l));
    expect(rejection).toEqual([expect.objectContaining({ level: 'ERROR', reason: expect.stringContaining('awslogs.data is not gzip'), event: expect.stringContaining('bm90IGd6aXA=') })]);
    expect(await receiveAll(estate.queueUrl)).toEqual([]);
  });

  test('without ALERT_TOPIC_ARN the function says what is missing', async () => {
    const run = await invokeBundle('ingest', [cloudTrailEvent('root-failure')], { AWS_ENDPOINT_URL: aws.counter.endpoint });
    expect(run.invocations[0].error).toEqual({ name: 'ConfigError', message: expect.stringContaining('ALERT_TOPIC_ARN is not set') });
  });
});
