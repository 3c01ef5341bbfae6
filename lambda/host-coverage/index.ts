import { Logger } from '@aws-lambda-powertools/logger';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { readCoverageConfig, type CoverageConfig } from './config';
import { coverageReaders, type CoverageReaders } from './readers';
import { runCoverage, type CoverageSummary } from './run';
import { readState, writeState } from './state';
import { COVERAGE_PROBLEM_LOG, COVERAGE_RUN_LOG } from '../../src/contract/log-lines';
import { dynamoLedger, type Ledger } from '../ingest/ledger/table';
import { publishAlerts } from '../ingest/publish/publish';

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
  readonly readers: CoverageReaders;
  readonly region: string;
}
let state: State | undefined;

function init(): State {
  if (state) return state;
  const config = readCoverageConfig(process.env);
  const region = process.env.AWS_REGION ?? config.regions[0] ?? 'unknown';
  state = { config, ledger: dynamoLedger(config.tableName), sns: new SNSClient({}), readers: coverageReaders(config, region, MAX_ATTEMPTS), region };
  return state;
}

interface Context {
  getRemainingTimeInMillis?: () => number;
  invokedFunctionArn?: string;
}

export async function handler(_event: unknown, context?: Context): Promise<CoverageSummary> {
  const s = init();
  const { summary } = await runCoverage({
    regions: s.config.regions,
    options: { silentAfterMs: s.config.silentAfterMs, minAgeMs: s.config.minAgeMs, exemptTags: s.config.exemptTags },
    context: { account: context?.invokedFunctionArn?.split(':')[4] ?? 'unknown', region: s.region },
    now: Date.now,
    remainingMs: () => context?.getRemainingTimeInMillis?.() ?? 15 * 60_000,
    readState: () => readState(s.ledger),
    writeState: (stored, next) => writeState(s.ledger, stored, next, Date.now()),
    streams: () => s.readers.streams(),
    region: (name) => s.readers.region(name),
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
