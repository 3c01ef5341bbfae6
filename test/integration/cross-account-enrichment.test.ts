import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createTopicWithQueue, receiveBodies } from '../support/estate';
import { logsDelivery, sshLines } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';

/**
 * Instances in other accounts (their logs reach this account's log groups through central logging):
 * the ingest bundle assumes the enrichment role in each configured account, against moto's STS and
 * its per-account EC2, and caches the credentials.
 */
const MEMBER = '222222222222';
const OTHER = '333333333333';
const role = (account: string) => `arn:aws:iam::${account}:role/cdk-login-alerts-enrichment`;
const aws = useMotoWithCallCounter();

/** EC2 in another account, as moto sees a caller holding that account's role. */
async function ec2In(account: string): Promise<EC2Client> {
  const { Credentials } = await new STSClient(awsConfig(aws.moto.endpoint)).send(new AssumeRoleCommand({ RoleArn: role(account), RoleSessionName: 'test-setup' }));
  const { AccessKeyId, SecretAccessKey, SessionToken } = Credentials!;
  const credentials = { accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken };
  return new EC2Client({ ...awsConfig(aws.moto.endpoint), credentials });
}

test('an instance in a member account is found through the enrichment role, with its account', async () => {
  const run = await (await ec2In(MEMBER)).send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'member-web' }] }],
  }));
  const instanceId = run.Instances![0].InstanceId!;
  const { topicArn, queueUrl } = await createTopicWithQueue(aws.moto.endpoint, 'central-alerts');
  const lines = sshLines('amazon-linux-2-secure');
  const result = await invokeBundle('ingest', [
    logsDelivery(lines, { logStream: instanceId, idPrefix: 'x1-' }),
    logsDelivery(lines, { logStream: instanceId, idPrefix: 'x2-' }),
  ], { AWS_ENDPOINT_URL: aws.counter.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICHMENT_ROLE_ARNS: [role(OTHER), role(MEMBER)].join(',') });
  expect(result.invocations.map((i) => i.result)).toEqual([{ alerts: 4, linesRead: 6 }, { alerts: 4, linesRead: 6 }]);

  const alerts = (await receiveBodies(aws.moto.endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message));
  expect(alerts).toHaveLength(8);
  for (const alert of alerts) {
    expect(alert.host).toMatchObject({ instanceId, name: 'member-web', account: MEMBER });
    expect(alert.enrichmentError).toBeUndefined();
  }
  // This account, then the first other account (not there), then the member account: three lookups
  // for the first delivery, none for the second (cached); each role assumed once.
  expect(aws.counter.count('DescribeInstances')).toBe(3);
  expect(aws.counter.count('AssumeRole')).toBe(2);
});
