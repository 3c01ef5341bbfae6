import * as cwl from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import { logStreams, runningInstances } from '../../lambda/host-coverage/gather';
import { judgeHosts } from '../../lambda/host-coverage/hosts';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig } from '../support/estate';

/**
 * The coverage run's reads against moto (EC2, CloudWatch Logs), through the call counter: instances
 * in two regions, streams fresh, silent and missing, and a group that does not exist; what it
 * costs in calls; and the hosts judged from what was read.
 */

const aws = useMotoWithCallCounter();
const HOUR = 3_600_000;

test('two regions: fresh, silent, never seen and exempt hosts named from what EC2 and CloudWatch Logs say; a missing group is a problem, not a stop', async () => {
  await aws.moto.reset();
  aws.counter.reset();
  const now = Date.now();
  const launched: Record<string, string[]> = {};
  for (const region of ['eu-west-1', 'us-east-1']) {
    const client = new ec2.EC2Client(awsConfig(aws.moto.endpoint, region));
    const run = await client.send(new ec2.RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 3, MaxCount: 3 }));
    launched[region] = run.Instances!.map((i) => i.InstanceId!);
    await client.send(new ec2.CreateTagsCommand({ Resources: [launched[region][2]], Tags: [{ Key: 'login-alerts:exempt', Value: 'bastion replaced nightly' }] }));
  }
  const logs = new cwl.CloudWatchLogsClient(awsConfig(aws.moto.endpoint, 'eu-west-1'));
  await logs.send(new cwl.CreateLogGroupCommand({ logGroupName: '/ec2/secure' }));
  const [fresh, silent] = launched['eu-west-1'];
  for (const [stream, at] of [[fresh, now - 60_000], [silent, now - 50 * HOUR]] as const) {
    await logs.send(new cwl.CreateLogStreamCommand({ logGroupName: '/ec2/secure', logStreamName: stream }));
    await logs.send(new cwl.PutLogEventsCommand({ logGroupName: '/ec2/secure', logStreamName: stream, logEvents: [{ timestamp: at, message: 'Accepted publickey for ec2-user' }] }));
  }
  aws.counter.reset();

  const config = (region: string) => awsConfig(aws.counter.endpoint, region);
  const instances = [
    ...await runningInstances(new ec2.EC2Client(config('eu-west-1')), ec2),
    ...await runningInstances(new ec2.EC2Client(config('us-east-1')), ec2),
  ];
  const read = await logStreams(new cwl.CloudWatchLogsClient(config('eu-west-1')), cwl, ['/ec2/secure', '/windows/security']);
  // One page each: calls grow with pages, not with instances or streams.
  expect(aws.counter.count('DescribeInstances')).toBe(2);
  expect(aws.counter.count('DescribeLogStreams')).toBe(2);
  expect(read.problems).toEqual([{ logGroup: '/windows/security', reason: expect.stringContaining('ResourceNotFoundException') }]);

  // moto's launch time is now: judged two hours on, so that none is too new.
  const judgement = judgeHosts(instances, read.streams, { nowMs: now + 2 * HOUR, silentAfterMs: 24 * HOUR, minAgeMs: HOUR });
  const judged = new Map(judgement.map((h) => [h.instanceId, h.status]));
  expect(judged.get(fresh)).toBe('covered');
  expect(judged.get(silent)).toBe('silent');
  expect(judged.get(launched['eu-west-1'][2])).toBe('exempt');
  expect(launched['us-east-1'].map((id) => judged.get(id))).toEqual(['never-seen', 'never-seen', 'exempt']);
});
