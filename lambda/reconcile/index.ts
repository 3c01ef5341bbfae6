import { Logger } from '@aws-lambda-powertools/logger';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cloudwatchLogs from '@aws-sdk/client-cloudwatch-logs';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { claimMissing, releaseClaims } from './claims';
import { readReconcileConfig, type ReconcileConfig } from './config';
import { logGroupsUnder, readLogPage } from './log-pages';
import type { Cursor, LogGroupSource, Source, SourceRecord, TrailSource } from './records';
import { isLoginLine, recoverAlerts, trailDetail } from './recover';
import { reconcile, type PageOutcome, type RunSummary } from './run';
import { Pacer, readTrailPage } from './trail-pages';
import { RECONCILE_PROBLEM_LOG, RECOVERED_LOG } from '../../src/contract/log-lines';
import { readConfig, type IngestConfig } from '../ingest/config';
import { recordPublished } from '../ingest/pipeline';
import { publishAlerts } from '../ingest/publish/publish';
import { PublishedIds } from '../ingest/publish/published-ids';
import { alertSources, type AlertSources } from '../ingest/sources';
import { errorText } from '../shared/error-text';
import { invokedAccount } from '../shared/values';

/**
 * The reconciler: a scheduled second source that proves no login was missed. It re-reads the SSH
 * log groups (FilterLogEvents, the subscription filter's pattern) and CloudTrail event history
 * (LookupEvents by event name, in each region watched) for a past window, and publishes every
 * login whose record the ledger has no published alert for, exactly as the ingest function would,
 * with the reason `recovered by reconciliation`. Each recovery is logged, and that line is its
 * metric: the construct's metric filter counts it and alarms (a recovery means the real-time path
 * lost something), with or without the pipeline's EMF metrics.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-reconcile' });
const sns = new SNSClient({});
const published = new PublishedIds();
/**
 * Throttling is retried by the clients (the SDK's standard mode: exponential backoff with jitter)
 * up to this many attempts; the SDK's own `AWS_MAX_ATTEMPTS` overrides it.
 */
const MAX_ATTEMPTS = Number(process.env.AWS_MAX_ATTEMPTS) || 8;

interface State {
  readonly config: IngestConfig;
  readonly reconcile: ReconcileConfig;
  readonly sources: AlertSources & { ledger: NonNullable<AlertSources['ledger']> };
  readonly logs: cloudwatchLogs.CloudWatchLogsClient;
  readonly trails: Map<string, { client: cloudtrail.CloudTrailClient; pacer: Pacer }>;
}
let state: State | undefined;

function init(): State {
  if (state) return state;
  const config = readConfig(process.env);
  const reconcileConfig = readReconcileConfig(process.env);
  const sources = alertSources(config);
  state = {
    config,
    reconcile: reconcileConfig,
    sources: sources as State['sources'],
    logs: new cloudwatchLogs.CloudWatchLogsClient({ maxAttempts: MAX_ATTEMPTS }),
    trails: new Map(reconcileConfig.regions.map((region) => [region, {
      client: new cloudtrail.CloudTrailClient({ region, maxAttempts: MAX_ATTEMPTS }),
      pacer: new Pacer(reconcileConfig.lookupsPerSecond),
    }])),
  };
  return state;
}

interface Context {
  getRemainingTimeInMillis?: () => number;
  invokedFunctionArn?: string;
}

export async function handler(_event: unknown, context?: Context): Promise<RunSummary> {
  const s = init();
  // SSH deliveries name the account that owns the log group: this function's own.
  const account = invokedAccount(context?.invokedFunctionArn);
  const remainingMs = () => context?.getRemainingTimeInMillis?.() ?? 15 * 60_000;
  // A claim outlives this run: a run that dies holds its claims no longer than it could have run.
  const leaseUntil = Date.now() + remainingMs() + 60_000;
  const logs = { client: s.logs, module: cloudwatchLogs };

  const summary = await reconcile({
    ledger: s.sources.ledger,
    logger,
    now: Date.now,
    remainingMs,
    windowOptions: s.reconcile,
    sources: () => listSources(s, logs),
    readPage: async (cursor: Cursor, window) => {
      if (cursor.source.kind === 'logs') return readLogPage(logs, cursor as Cursor & { source: LogGroupSource }, window, s.reconcile.pageSize);
      const trail = s.trails.get(cursor.source.region) ?? addRegion(s, cursor.source.region);
      await trail.pacer.wait();
      return readTrailPage(trail.client, cloudtrail, cursor as Cursor & { source: TrailSource }, window);
    },
    recoverPage: (records) => recoverPage(s, records, account, leaseUntil),
  });
  logger.info('reconciliation run', { ...summary });
  return summary;
}

async function listSources(s: State, logs: Parameters<typeof logGroupsUnder>[0]): Promise<{ sources: Source[]; problems: string[] }> {
  const problems: string[] = [];
  const groups = new Set(s.reconcile.logGroups);
  if (s.reconcile.logGroupPrefixes.length > 0) {
    try {
      for (const name of await logGroupsUnder(logs, s.reconcile.logGroupPrefixes, s.reconcile.excludedLogGroups)) groups.add(name);
    } catch (error) {
      problems.push(`log groups under ${s.reconcile.logGroupPrefixes.join(', ')} could not be listed: ${errorText(error)}`);
    }
  }
  return {
    sources: [
      ...[...groups].map((logGroup): Source => ({ kind: 'logs', logGroup })),
      ...s.reconcile.regions.flatMap((region) => s.reconcile.eventNames.map((eventName): Source => ({ kind: 'cloudtrail', region, eventName }))),
    ],
    problems,
  };
}

/** A region named by a checkpoint written before the settings changed: read it all the same. */
function addRegion(s: State, region: string) {
  const trail = { client: new cloudtrail.CloudTrailClient({ region, maxAttempts: MAX_ATTEMPTS }), pacer: new Pacer(s.reconcile.lookupsPerSecond) };
  s.trails.set(region, trail);
  return trail;
}

/** Claims the page's logins that were never alerted, publishes them as ingest would, records them. */
async function recoverPage(s: State, records: SourceRecord[], account: string, leaseUntil: number): Promise<PageOutcome> {
  const candidates = records.filter((record) => {
    if (record.kind === 'logs') return isLoginLine(record.message, record.logGroup);
    const read = trailDetail(record);
    if ('problem' in read) logger.error(RECONCILE_PROBLEM_LOG, { problem: 'record unreadable', recordId: record.id, region: record.region, reason: read.problem });
    return !('problem' in read);
  });
  const unreadable = records.filter((r) => r.kind === 'cloudtrail').length - candidates.filter((r) => r.kind === 'cloudtrail').length;
  if (candidates.length === 0) return { candidates: 0, alerted: 0, recovered: 0, heldElsewhere: 0, unreadable };
  const claims = await claimMissing(s.sources.ledger, candidates.map((r) => r.id), Date.now(), leaseUntil);
  const outcome = { candidates: candidates.length, alerted: claims.alerted, heldElsewhere: claims.heldElsewhere, unreadable };
  if (claims.claimed.size === 0) return { ...outcome, recovered: 0 };

  const missing = candidates.filter((r) => claims.claimed.has(r.id));
  const recovered = await recoverAlerts(missing, account, s.sources, s.config, logger);
  try {
    const publishBatch = (entries: PublishBatchRequestEntry[]) =>
      sns.send(new PublishBatchCommand({ TopicArn: s.config.topicArn, PublishBatchRequestEntries: entries }));
    await publishAlerts(publishBatch, recovered.alerts, { published, routingTagKeys: s.config.routingTagKeys });
  } catch (error) {
    logger.error('publishing recovered alerts failed; the next run recovers them', { reason: errorText(error), alerts: recovered.alerts.length });
    await releaseClaims(s.sources.ledger, claims.claimed.values()).catch(() => undefined);
    throw error;
  }
  // Every claimed record is settled now, including one that made no alert of its own (it joined another).
  const ids = [...recovered.alerts.map((a) => a.id), ...recovered.recordIds, ...claims.claimed.keys()];
  await recordPublished(s.sources, ids, 'reconcile', logger);
  for (const alert of recovered.alerts) {
    // The exact message is what the construct's recovery alarm counts: keep it.
    logger.warn(RECOVERED_LOG, {
      alertId: alert.id, kind: alert.kind, severity: alert.severity, user: alert.user, time: alert.time, summary: alert.summary, origin: alert.origin,
    });
  }
  return { ...outcome, recovered: recovered.alerts.length };
}
