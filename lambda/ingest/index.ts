import { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client, EC2ClientConfig, Filter, Instance } from '@aws-sdk/client-ec2';
import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { countAlerts } from './alert-metrics';
import { alertsFromEnvelope } from './alerts-from-envelope';
import { assumedRoleCredentials } from './assumed-role';
import { readConfig, type IngestConfig } from './config';
import { HostEnricher, errorText } from './enrich';
import { decodeEnvelope, MalformedEnvelopeError } from './envelope';
import { dynamoLedger, type Ledger } from './ledger';
import { applyLedger } from './ledger-step';
import { peopleSource, type PeopleSource } from './people-source';
import { applyPeople } from './people-step';
import { publishAlerts } from './publish';
import { PublishedIds } from './published-ids';
import { applyRules, rulesSource, type RulesSource } from './rules-step';
import { PipelineMetrics } from '../shared/metrics';

/**
 * The ingest function: CloudWatch Logs subscription deliveries (SSH) and EventBridge ConsoleLogin
 * events in, one structured alert per login out on the SNS topic. AWS calls live here, at the edge;
 * everything between is plain data. Clients honour AWS_ENDPOINT_URL like every SDK v3 client.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-ingest' });
const metrics = new PipelineMetrics('ingest');
const sns = new SNSClient({});
// The EC2 client is large (a third of a second to load): load it on the first SSH delivery that
// needs enrichment, so console sign-ins and cold starts do not pay for it.
let ec2Module: typeof import('@aws-sdk/client-ec2') | undefined;
function loadEc2() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ec2Module ??= require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
  return ec2Module;
}

/** DescribeInstances (every page) with this function's credentials, or with a role in another account. */
function describeWith(credentials?: EC2ClientConfig['credentials']): (filter: Filter) => Promise<Instance[]> {
  let client: EC2Client | undefined;
  return async (filter) => {
    const module = loadEc2();
    client ??= new module.EC2Client(credentials ? { credentials } : {});
    const instances: Instance[] = [];
    for await (const page of module.paginateDescribeInstances({ client, pageSize: 1000 }, { Filters: [filter] })) {
      for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    }
    return instances;
  };
}

/** What this container published: a retried invocation publishes only what is still missing. */
const published = new PublishedIds();

let state: { config: IngestConfig; enricher?: HostEnricher; ledger?: Ledger; people?: PeopleSource; rules?: RulesSource } | undefined;

function init() {
  if (state) return state;
  const config = readConfig(process.env);
  const remotes = config.enrichmentRoleArns.map((roleArn) => ({
    account: roleArn.split(':')[4],
    describe: describeWith(assumedRoleCredentials(roleArn, 'cdk-login-alerts-enrichment')),
  }));
  const enricher = config.enrichInstances ? new HostEnricher(describeWith(), config.instanceCacheTtlMs, Date.now, remotes) : undefined;
  state = {
    config,
    enricher,
    ...(config.ledgerTableName && { ledger: dynamoLedger(config.ledgerTableName) }),
    ...(config.peopleDirectory && { people: peopleSource(config.peopleDirectory) }),
    // Inline rules are checked here: a bad ALERT_RULES fails every invocation, loudly.
    ...(config.alertRules && { rules: rulesSource(config.alertRules) }),
  };
  return state;
}

export interface IngestResult {
  readonly alerts: number;
  readonly linesRead: number;
  readonly ignored?: string;
}

export async function handler(event: unknown): Promise<IngestResult> {
  const { config, enricher, ledger, people, rules } = init();
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

  const result = await alertsFromEnvelope(envelope, { policy: { trustedNetworks: config.trustedNetworks }, region: config.region, enricher });
  const problems = { ledger: false, rules: false };
  if (ledger && result.alerts.length > 0) {
    const linked = await applyLedger(result.alerts, ledger, Date.now(), { historyDays: config.historyDays, repeatWindowMs: config.repeatWindowMs });
    // The exact message is what the construct's metric filter counts: keep it.
    if (linked.readError) logger.error('login ledger unavailable', { reason: linked.readError, alerts: linked.alerts.length });
    if (linked.writeError) logger.error('login ledger unavailable', { reason: `write failed: ${linked.writeError}`, items: linked.writes });
    problems.ledger = Boolean(linked.readError ?? linked.writeError);
    result.alerts.splice(0, result.alerts.length, ...linked.alerts);
  }
  if (people && result.alerts.length > 0) {
    const attributed = await applyPeople(result.alerts, people);
    if (attributed.error) logger.error('people directory unavailable', { reason: attributed.error });
    result.alerts.splice(0, result.alerts.length, ...attributed.alerts);
  }
  // Rules last: they may match on the actor that attribution found.
  if (rules && result.alerts.length > 0) {
    const ruled = await applyRules(result.alerts, rules);
    if (ruled.error) logger.error('alert rules unavailable', { reason: ruled.error });
    problems.rules = ruled.error !== undefined;
    result.alerts.splice(0, result.alerts.length, ...ruled.alerts);
  }
  if (result.ignored) logger.info('nothing to alert', { reason: result.ignored });
  if (result.incomplete) logger.warn('incomplete record alerted with what it has', { reasons: result.incomplete, alertIds: result.alerts.map((a) => a.id) });
  for (const alert of result.alerts) {
    if (alert.enrichmentError) logger.warn('alert not enriched', { alertId: alert.id, reason: alert.enrichmentError });
  }

  if (result.alerts.length > 0) {
    try {
      const publishBatch = (entries: PublishBatchRequestEntry[]) =>
        sns.send(new PublishBatchCommand({ TopicArn: config.topicArn, PublishBatchRequestEntries: entries }));
      const { skipped } = await publishAlerts(publishBatch, result.alerts, { published, routingTagKeys: config.routingTagKeys });
      if (skipped > 0) logger.info('alerts published by an earlier attempt were not published again', { skipped });
    } catch (error) {
      logger.error('publishing failed; the invocation will be retried', { reason: errorText(error), alerts: result.alerts.length });
      throw error;
    }
  }
  // Counted once published: a retried delivery that fails to publish counts nothing.
  countAlerts(metrics, result.alerts, problems);
  metrics.flush();
  // What rules held back, by alert: still published, and said here for whoever reads the logs.
  const suppressed = result.alerts.flatMap((a) => (a.suppressed ? [{ alertId: a.id, rule: a.suppressed.rule }] : []));
  logger.info('processed', {
    source: envelope.type,
    linesRead: result.linesRead,
    alerts: result.alerts.length,
    alertIds: result.alerts.map((a) => a.id),
    severities: result.alerts.map((a) => a.severity),
    ...(suppressed.length > 0 && { suppressed }),
  });
  return { alerts: result.alerts.length, linesRead: result.linesRead, ...(result.ignored && { ignored: result.ignored }) };
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
