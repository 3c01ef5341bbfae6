import { Logger } from '@aws-lambda-powertools/logger';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { alertsFromEnvelope } from './alerts-from-envelope';
import { readConfig, type IngestConfig } from './config';
import { recordPublished, refineAlerts } from './pipeline';
import { countAlerts } from './publish/alert-metrics';
import { errorText } from '../shared/error-text';
import { heartbeatAlert, isHeartbeatRequest } from '../shared/heartbeat';
import { invokedAccount } from '../shared/values';
import { decodeEnvelope, MalformedEnvelopeError } from './parse/envelope';
import { publishAlerts } from './publish/publish';
import { PublishedIds } from './publish/published-ids';
import { alertContext, alertSources, type AlertSources } from './sources';
import { PipelineMetrics } from '../shared/metrics';

/**
 * The ingest function: CloudWatch Logs subscription deliveries (SSH) and EventBridge ConsoleLogin
 * events in, one structured alert per login out on the SNS topic. AWS calls live here, at the edge;
 * everything between is plain data. Clients honour AWS_ENDPOINT_URL like every SDK v3 client.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-ingest' });
const metrics = new PipelineMetrics('ingest');
const sns = new SNSClient({});

/** What this container published: a retried invocation publishes only what is still missing. */
const published = new PublishedIds();

let state: { config: IngestConfig; sources: AlertSources } | undefined;

function init() {
  if (state) return state;
  const config = readConfig(process.env);
  state = { config, sources: alertSources(config) };
  return state;
}

export interface IngestResult {
  readonly alerts: number;
  readonly linesRead: number;
  readonly ignored?: string;
}

export async function handler(event: unknown, invocation?: { invokedFunctionArn?: string }): Promise<IngestResult> {
  const { config, sources } = init();
  if (isHeartbeatRequest(event)) return heartbeat(config, invocation);
  let envelope;
  try {
    envelope = decodeEnvelope(event);
  } catch (error) {
    if (error instanceof MalformedEnvelopeError) {
      // Rejected, not dropped: Lambda retries the invocation, then sends it to the dead-letter path.
      logger.error('rejected malformed event', { reason: error.message, event: preview(event) });
    }
    throw error;
  }

  const context = alertContext(config, sources);
  const result = await alertsFromEnvelope(envelope, context);
  const { alerts, held, problems } = await refineAlerts(result.alerts, sources, config, logger, result.verifiedFactors);
  if (result.ignored) logger.info('nothing to alert', { reason: result.ignored });
  if (result.incomplete) logger.warn('incomplete record alerted with what it has', { reasons: result.incomplete, alertIds: alerts.map((a) => a.id) });
  for (const alert of alerts) {
    if (alert.enrichmentError) logger.warn('alert not enriched', { alertId: alert.id, reason: alert.enrichmentError });
  }

  if (alerts.length > 0) {
    try {
      const { skipped } = await publishAlerts(publishBatchTo(config.topicArn), alerts, { published, routingTagKeys: config.routingTagKeys });
      if (skipped > 0) logger.info('alerts published by an earlier attempt were not published again', { skipped });
    } catch (error) {
      logger.error('publishing failed; the invocation will be retried', { reason: errorText(error), alerts: alerts.length });
      throw error;
    }
    // Only once published: what the ledger records as alerted, the reconciler never alerts again.
    if (!(await recordPublished(sources, [...alerts.map((a) => a.id), ...result.recordIds], 'ingest', logger))) problems.ledger = true;
  }
  // Counted once published: a retried delivery that fails to publish counts nothing.
  countAlerts(metrics, alerts, problems, held);
  metrics.flush();
  // What rules held back, by alert: still published, and said here for whoever reads the logs.
  const suppressed = alerts.flatMap((a) => (a.suppressed ? [{ alertId: a.id, rule: a.suppressed.rule }] : []));
  logger.info('processed', {
    source: envelope.type,
    linesRead: result.linesRead,
    alerts: alerts.length,
    alertIds: alerts.map((a) => a.id),
    severities: alerts.map((a) => a.severity),
    ...(suppressed.length > 0 && { suppressed }),
    ...(held.length > 0 && { countedNotAlerted: held.length }),
  });
  return { alerts: alerts.length, linesRead: result.linesRead, ...(result.ignored && { ignored: result.ignored }) };
}

/**
 * The coverage function's heartbeat request: one `heartbeat` message on the topic, through the same
 * publish path as logins, naming this function's own account and region (never the request's).
 * Not a login: no rules, ledger or alert metrics. A failed publish fails the invocation, which the
 * coverage function reports.
 */
async function heartbeat(config: IngestConfig, invocation?: { invokedFunctionArn?: string }): Promise<IngestResult> {
  const account = invokedAccount(invocation?.invokedFunctionArn);
  const alert = heartbeatAlert(account, process.env.AWS_REGION ?? 'unknown', Date.now());
  await publishAlerts(publishBatchTo(config.topicArn), [alert], { routingTagKeys: config.routingTagKeys });
  logger.info('heartbeat published', { alertId: alert.id });
  return { alerts: 0, linesRead: 0, ignored: 'heartbeat' };
}

function publishBatchTo(topicArn: string) {
  return (entries: PublishBatchRequestEntry[]) => sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
}

/** Enough of a rejected event to diagnose it without logging megabytes. */
function preview(event: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(event) ?? String(event);
  } catch {
    text = String(event);
  }
  return text.length > 2048 ? `${text.slice(0, 2048)}… (${text.length} chars)` : text;
}
