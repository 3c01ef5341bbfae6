import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { readCoverageConfig, type CoverageConfig } from './config';
import { readHeartbeats, recordHeartbeats } from './heartbeats';
import { coverageReaders, type CoverageReaders } from './readers';
import { runCoverage, type CoverageSummary } from './run';
import { readState, writeState } from './state';
import { COVERAGE_PROBLEM_LOG, COVERAGE_RUN_LOG } from '../../src/contract/log-lines';
import { dynamoLedger, type Ledger } from '../ingest/ledger/table';
import { publishAlerts } from '../ingest/publish/publish';
import { deploymentLabel, HEARTBEAT_REQUEST, readHeartbeat, type Heartbeat } from '../shared/heartbeat';
import { invokedAccount, isObject } from '../shared/values';

/**
 * The coverage function: on a schedule, which running instances and which watched regions the
 * log sources and rules cannot see (run.ts), one coverage alert when that changes, and one summary
 * line per run whose figures the construct's metric filters turn into metrics and an alarm; then
 * this deployment's heartbeat, through its ingest function. Where the topic is, it also receives
 * every deployment's heartbeats from the topic and records them (heartbeats.ts).
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

export async function handler(event: unknown, context?: Context): Promise<CoverageSummary | HeartbeatsRecorded> {
  const s = init();
  const deliveries = snsMessages(event);
  if (deliveries) return record(s, deliveries);
  const { summary } = await runCoverage({
    regions: s.config.regions,
    options: { silentAfterMs: s.config.silentAfterMs, minAgeMs: s.config.minAgeMs, exemptTags: s.config.exemptTags },
    context: { account: invokedAccount(context?.invokedFunctionArn), region: s.region },
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
    ...(s.config.recordsHeartbeats && {
      heartbeats: {
        read: () => readHeartbeats(s.ledger),
        options: { silentAfterMs: s.config.heartbeatSilentAfterMs, expectedAccounts: s.config.memberAccounts },
      },
    }),
    ...(s.config.ingestFunction && { sendHeartbeat: () => sendHeartbeat(s.config.ingestFunction!) }),
  });
  // The exact message and figures are what the construct's metric filters read: keep them.
  logger.info(COVERAGE_RUN_LOG, { ...summary });
  return summary;
}

export interface HeartbeatsRecorded {
  readonly recorded: number;
  readonly rejected: number;
}

/**
 * Heartbeats from the alert topic (this function's subscription passes only kind `heartbeat`),
 * recorded in the ledger. One that is not a heartbeat is logged with why and dropped: it cannot
 * become one by being retried.
 */
async function record(s: State, messages: string[]): Promise<HeartbeatsRecorded> {
  const beats: Heartbeat[] = [];
  for (const message of messages) {
    const read = readHeartbeat(message);
    if ('problem' in read) logger.error(COVERAGE_PROBLEM_LOG, { problem: 'not a heartbeat: dropped', reason: read.problem, message: message.slice(0, 512) });
    else beats.push(read);
  }
  if (beats.length > 0) {
    const { attempts } = await recordHeartbeats(s.ledger, beats, Date.now());
    logger.info('heartbeats recorded', { heartbeats: beats.map(deploymentLabel), attempts });
  }
  return { recorded: beats.length, rejected: messages.length - beats.length };
}

/** The SNS messages of a Lambda SNS event, or undefined for anything else (the schedule's event). */
function snsMessages(event: unknown): string[] | undefined {
  if (!isObject(event) || !Array.isArray(event.Records)) return undefined;
  return event.Records.flatMap((r: unknown) => (isObject(r) && isObject(r.Sns) && typeof r.Sns.Message === 'string' ? [r.Sns.Message] : []));
}

let lambdaClient: LambdaClient | undefined;

/** Asks this deployment's ingest function for a heartbeat, and waits for it: a failure is this run's problem. */
async function sendHeartbeat(functionName: string): Promise<void> {
  lambdaClient ??= new LambdaClient({ maxAttempts: MAX_ATTEMPTS });
  const answer = await lambdaClient.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(HEARTBEAT_REQUEST)) }));
  if (answer.FunctionError) {
    const payload = answer.Payload ? Buffer.from(answer.Payload).toString('utf8').slice(0, 512) : '';
    throw new Error(`the ingest function failed (${answer.FunctionError}): ${payload}`);
  }
}
