import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { LogStreamSeen, ManagedInstance, RunningInstance } from './hosts';

/**
 * What a coverage run reads, page by page (calls grow with pages, not with instances): the running
 * instances of a region (DescribeInstances, 1,000 a page) and the streams of each subscribed log
 * group (DescribeLogStreams, 50 a page, the most recent first). A group that cannot be read is
 * reported, never a reason to stop: the caller judges the other groups' hosts all the same.
 */

export async function runningInstances(ec2: EC2Client, module: typeof import('@aws-sdk/client-ec2')): Promise<RunningInstance[]> {
  const instances: RunningInstance[] = [];
  const filter = { Name: 'instance-state-name', Values: ['running'] };
  for await (const page of module.paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: [filter] })) {
    for (const reservation of page.Reservations ?? []) {
      for (const i of reservation.Instances ?? []) {
        if (!i.InstanceId) continue;
        const tags = Object.fromEntries((i.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
        instances.push({
          instanceId: i.InstanceId,
          ...(i.PrivateIpAddress && { privateIp: i.PrivateIpAddress }),
          ...(i.PrivateDnsName && { privateDnsName: i.PrivateDnsName }),
          ...(i.LaunchTime && { launchTime: new Date(i.LaunchTime).getTime() }),
          ...(Object.keys(tags).length > 0 && { tags }),
          ...(i.Platform && { platform: String(i.Platform) }),
        });
      }
    }
  }
  return instances;
}

export interface StreamsRead {
  readonly streams: LogStreamSeen[];
  /** Groups that could not be read, with why. */
  readonly problems: Array<{ logGroup: string; reason: string }>;
}

export async function logStreams(
  logs: CloudWatchLogsClient, module: typeof import('@aws-sdk/client-cloudwatch-logs'), logGroups: readonly string[],
): Promise<StreamsRead> {
  const streams: LogStreamSeen[] = [];
  const problems: StreamsRead['problems'] = [];
  for (const logGroup of logGroups) {
    try {
      for await (const page of module.paginateDescribeLogStreams({ client: logs, pageSize: 50 }, { logGroupName: logGroup, orderBy: 'LastEventTime', descending: true })) {
        for (const s of page.logStreams ?? []) {
          if (!s.logStreamName) continue;
          const at = s.lastEventTimestamp ?? s.lastIngestionTime;
          streams.push({ logGroup, logStreamName: s.logStreamName, ...(at !== undefined && { lastEventAt: at }) });
        }
      }
    } catch (error) {
      problems.push({ logGroup, reason: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return { streams, problems };
}

/**
 * What Systems Manager knows of the dark hosts, 50 ids a call (the filter's most): calls grow with
 * dark hosts, not with the fleet. Optional: a Systems Manager that cannot be read says nothing.
 */
export async function managedInstances(
  ssm: SSMClient, module: typeof import('@aws-sdk/client-ssm'), instanceIds: readonly string[],
): Promise<{ managed: Map<string, ManagedInstance>; problem?: string }> {
  const managed = new Map<string, ManagedInstance>();
  try {
    for (let i = 0; i < instanceIds.length; i += 50) {
      const filter = { Key: 'InstanceIds', Values: instanceIds.slice(i, i + 50) };
      for await (const page of module.paginateDescribeInstanceInformation({ client: ssm }, { Filters: [filter] })) {
        for (const info of page.InstanceInformationList ?? []) {
          if (!info.InstanceId) continue;
          managed.set(info.InstanceId, {
            ...(info.PingStatus && { pingStatus: String(info.PingStatus) }),
            ...(info.PlatformName && { platformName: info.PlatformName }),
            ...(info.PlatformVersion && { platformVersion: info.PlatformVersion }),
          });
        }
      }
    }
    return { managed };
  } catch (error) {
    return { managed, problem: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
