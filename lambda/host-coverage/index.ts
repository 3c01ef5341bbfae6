import { Logger } from '@aws-lambda-powertools/logger';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cloudwatchLogs from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import * as ssm from '@aws-sdk/client-ssm';
import { readCoverageConfig, type CoverageConfig } from './config';
import { logStreams, managedInstances, runningInstances, type StreamsRead } from './gather';
import { runCoverage, type CoverageSummary, type RegionReader } from './run';
import { regionSourceProblems } from './sources';
import { readState, writeState } from './state';
import { COVERAGE_PROBLEM_LOG, COVERAGE_RUN_LOG } from '../../src/contract/log-lines';
import { dynamoLedger, type Ledger } from '../ingest/ledger/table';
import { publishAlerts } from '../ingest/publish/publish';
import { logGroupsUnder } from '../reconcile/log-pages';
import { errorText } from '../shared/error-text';

/**
 * The coverage function: on a schedule, which running instances and which watched regions the
 * log sources and rules cannot see (run.ts), one coverage alert when that changes, and one summary
 * line per run whose figures the construct's metric filters turn into metrics and an alarm.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-coverage' });
/** Throttling is retried by the clients (standard mode, backoff with jitter); `AWS_MAX_ATTEMPTS` overrides it. */
const MAX_ATTEMPTS = Number(process.env.AWS_MAX_ATTEMPTS) || 8;

interface State {
  readonly config: CoverageConfig;
  readonly ledger: Ledger;
  readonly sns: SNSClient;
  readonly logs: cloudwatchLogs.CloudWatchLogsClient;
  readonly readers: Map<string, RegionReader>;
  readonly trails: Map<string, cloudtrail.CloudTrailClient>;
}
let state: State | undefined;

function init(): State {
  if (state) return state;
  const config = readCoverageConfig(process.env);
  state = {
    config,
    ledger: dynamoLedger(config.tableName),
    sns: new SNSClient({}),
    logs: new cloudwatchLogs.CloudWatchLogsClient({ maxAttempts: MAX_ATTEMPTS }),
    readers: new Map(),
    trails: new Map(),
  };
  return state;
}

function reader(s: State, region: string): RegionReader {
  const known = s.readers.get(region);
  if (known) return known;
  const options = { region, maxAttempts: MAX_ATTEMPTS };
  const ec2Client = new ec2.EC2Client(options);
  const sources = {
    events: new eventbridge.EventBridgeClient(options),
    eventsModule: eventbridge,
    cloudtrail: trailClient(s, region),
    cloudtrailIn: (home: string) => trailClient(s, home),
    cloudtrailModule: cloudtrail,
  };
  const ssmClient = s.config.systemsManager ? new ssm.SSMClient(options) : undefined;
  const ownRegion = process.env.AWS_REGION ?? region;
  const made: RegionReader = {
    instances: () => runningInstances(ec2Client, ec2),
    sourceProblems: () => regionSourceProblems(region, sources, {
      ownRegion, ruleNames: s.config.ruleNames, forwardedBusArn: s.config.forwardedBusArn,
    }),
    ...(ssmClient && { managed: (ids: string[]) => managedInstances(ssmClient, ssm, ids) }),
  };
  s.readers.set(region, made);
  return made;
}

function trailClient(s: State, region: string): cloudtrail.CloudTrailClient {
  const known = s.trails.get(region) ?? new cloudtrail.CloudTrailClient({ region, maxAttempts: MAX_ATTEMPTS });
  s.trails.set(region, known);
  return known;
}

async function streams(s: State): Promise<StreamsRead> {
  const groups = new Set(s.config.logGroups);
  const problems: StreamsRead['problems'] = [];
  if (s.config.logGroupPrefixes.length > 0) {
    try {
      const under = await logGroupsUnder({ client: s.logs, module: cloudwatchLogs }, s.config.logGroupPrefixes, s.config.excludedLogGroups);
      for (const name of under) groups.add(name);
    } catch (error) {
      problems.push({ logGroup: `${s.config.logGroupPrefixes.join(', ')} (prefixes)`, reason: errorText(error) });
    }
  }
  const read = await logStreams(s.logs, cloudwatchLogs, [...groups]);
  return { streams: read.streams, problems: [...problems, ...read.problems] };
}

interface Context {
  getRemainingTimeInMillis?: () => number;
  invokedFunctionArn?: string;
}

export async function handler(_event: unknown, context?: Context): Promise<CoverageSummary> {
  const s = init();
  const region = process.env.AWS_REGION ?? s.config.regions[0] ?? 'unknown';
  const summary = await runCoverage({
    regions: s.config.regions,
    options: { silentAfterMs: s.config.silentAfterMs, minAgeMs: s.config.minAgeMs, exemptTags: s.config.exemptTags },
    context: { account: context?.invokedFunctionArn?.split(':')[4] ?? 'unknown', region },
    now: Date.now,
    remainingMs: () => context?.getRemainingTimeInMillis?.() ?? 15 * 60_000,
    readState: () => readState(s.ledger),
    writeState: (stored, next) => writeState(s.ledger, stored, next, Date.now()),
    streams: () => streams(s),
    region: (name) => reader(s, name),
    publish: async (alert) => {
      const publishBatch = (entries: PublishBatchRequestEntry[]) =>
        s.sns.send(new PublishBatchCommand({ TopicArn: s.config.topicArn, PublishBatchRequestEntries: entries }));
      await publishAlerts(publishBatch, [alert], { routingTagKeys: s.config.routingTagKeys });
      logger.warn('coverage changed: alert published', { alertId: alert.id, summary: alert.summary, newlyUncovered: alert.coverage?.newlyUncovered });
    },
    problem: (problem, detail) => logger.error(COVERAGE_PROBLEM_LOG, { problem, ...detail }),
  });
  // The exact message and figures are what the construct's metric filters read: keep them.
  logger.info(COVERAGE_RUN_LOG, { ...summary });
  return summary;
}
