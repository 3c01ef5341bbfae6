import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cloudwatchLogs from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as ssm from '@aws-sdk/client-ssm';
import type { CoverageConfig } from './config';
import { logStreams, managedInstances, runningInstances, type StreamsRead } from './gather';
import type { RegionReader } from './run';
import { regionSourceProblems } from './sources';
import { logGroupsUnder } from '../reconcile/log-pages';
import { errorText } from '../shared/error-text';

/**
 * The AWS reads of a coverage run, one set of clients per region: what the function runs on its
 * schedule and what `cdk-login-alerts check --coverage` runs with the user's credentials.
 */
export interface CoverageReaders {
  region(name: string): RegionReader;
  streams(): Promise<StreamsRead>;
}

export function coverageReaders(config: CoverageConfig, ownRegion: string, maxAttempts: number): CoverageReaders {
  const readers = new Map<string, RegionReader>();
  const trails = new Map<string, cloudtrail.CloudTrailClient>();
  const trailClient = (region: string) => {
    const known = trails.get(region) ?? new cloudtrail.CloudTrailClient({ region, maxAttempts });
    trails.set(region, known);
    return known;
  };
  const logs = new cloudwatchLogs.CloudWatchLogsClient({ region: ownRegion, maxAttempts });
  return {
    region(region) {
      const known = readers.get(region);
      if (known) return known;
      const options = { region, maxAttempts };
      const ec2Client = new ec2.EC2Client(options);
      const sources = {
        events: new eventbridge.EventBridgeClient(options),
        eventsModule: eventbridge,
        cloudtrail: trailClient(region),
        cloudtrailIn: trailClient,
        cloudtrailModule: cloudtrail,
      };
      const ssmClient = config.systemsManager ? new ssm.SSMClient(options) : undefined;
      const expect = { ownRegion, ruleNames: config.ruleNames, forwardedBusArn: config.forwardedBusArn };
      const made: RegionReader = {
        instances: () => runningInstances(ec2Client, ec2),
        sourceProblems: () => regionSourceProblems(region, sources, expect),
        ...(ssmClient && { managed: (ids: string[]) => managedInstances(ssmClient, ssm, ids) }),
      };
      readers.set(region, made);
      return made;
    },
    async streams() {
      const groups = new Set(config.logGroups);
      const problems: StreamsRead['problems'] = [];
      if (config.logGroupPrefixes.length > 0) {
        try {
          const under = await logGroupsUnder({ client: logs, module: cloudwatchLogs }, config.logGroupPrefixes, config.excludedLogGroups);
          for (const name of under) groups.add(name);
        } catch (error) {
          problems.push({ logGroup: `${config.logGroupPrefixes.join(', ')} (prefixes)`, reason: errorText(error) });
        }
      }
      const read = await logStreams(logs, cloudwatchLogs, [...groups]);
      return { streams: read.streams, problems: [...problems, ...read.problems] };
    },
  };
}
