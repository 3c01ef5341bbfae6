import type { Logger } from '@aws-lambda-powertools/logger';
import type { SourceRecord, TrailRecord } from './records';
import { cloudTrailDetailType } from '../../src/contract/event-patterns';
import { alertsFromEnvelope } from '../ingest/alerts-from-envelope';
import type { IngestConfig } from '../ingest/config';
import { recordAccount } from '../ingest/parse/cloudtrail-identity';
import type { Envelope, LogsDelivery } from '../ingest/parse/envelope';
import { parseInstanceConnectLine } from '../ingest/parse/instance-connect-line';
import { parseKubernetesAudit } from '../ingest/parse/kubernetes-audit';
import type { VerifiedFactor } from '../ingest/parse/sign-in-event';
import { parseSshLine } from '../ingest/parse/ssh-line';
import { parseWindowsLogon } from '../ingest/parse/windows-logon';
import { refineAlerts } from '../ingest/pipeline';
import { alertContext, type AlertSources } from '../ingest/sources';
import type { Alert } from '../shared/alert';
import { isObject, nonEmptyString } from '../shared/values';

/**
 * Turns re-read records into alerts exactly as the real-time path would (the same parsing,
 * enrichment, ledger, people and rules), plus the reason below. Pure but for those sources.
 */
export const RECOVERED_REASON = 'recovered by reconciliation';

/**
 * A log line the ingest function would have alerted on (the filter pattern is a coarse sieve). A
 * Windows failure that is only counted is claimed and settled like the rest, never published.
 */
export function isLoginLine(message: string, logGroup = ''): boolean {
  if (parseSshLine(message) !== undefined || parseInstanceConnectLine(message) !== undefined) return true;
  const windows = parseWindowsLogon(message);
  if (windows) return 'logon' in windows;
  const kubernetes = parseKubernetesAudit(message, logGroup);
  return kubernetes !== undefined && 'login' in kubernetes;
}

/** The CloudTrail record of an event-history entry, or why it cannot be read. */
export function trailDetail(record: TrailRecord): { detail: Record<string, unknown> } | { problem: string } {
  let detail: unknown;
  try {
    detail = JSON.parse(record.event);
  } catch (error) {
    return { problem: `CloudTrailEvent is not JSON: ${(error as Error).message}` };
  }
  if (!isObject(detail)) return { problem: 'CloudTrailEvent is not an object' };
  if (nonEmptyString(detail.eventID) !== record.id) return { problem: `CloudTrailEvent's eventID is not the event's id ${record.id}` };
  return { detail };
}

/** The envelopes the real-time path would have received: one delivery per log stream, one event per record. */
export function envelopesFor(records: readonly SourceRecord[], account: string): Envelope[] {
  const deliveries = new Map<string, LogsDelivery & { logEvents: LogsDelivery['logEvents'] }>();
  const events: Envelope[] = [];
  for (const record of records) {
    if (record.kind === 'logs') {
      const key = `${record.logGroup}\u0000${record.logStream}`;
      const delivery = deliveries.get(key) ?? { type: 'logs', messageType: 'DATA_MESSAGE', owner: account, logGroup: record.logGroup, logStream: record.logStream, logEvents: [] };
      delivery.logEvents.push({ id: record.id, timestamp: record.timestamp, message: record.message });
      deliveries.set(key, delivery);
      continue;
    }
    const read = trailDetail(record);
    if ('problem' in read) continue;
    const detail = read.detail;
    const eventSource = nonEmptyString(detail.eventSource) ?? '';
    events.push({
      type: 'eventbridge',
      id: record.id,
      source: `aws.${eventSource.replace('.amazonaws.com', '')}`,
      detailType: cloudTrailDetailType(detail.eventType ?? (detail.eventName === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall')),
      account: recordAccount(detail, account)!,
      region: nonEmptyString(detail.awsRegion) ?? record.region,
      time: nonEmptyString(detail.eventTime),
      detail,
    });
  }
  return [...deliveries.values(), ...events];
}

export interface Recovered {
  readonly alerts: Alert[];
  /** The records the alerts stand for, as the ledger records them once published. */
  readonly recordIds: string[];
}

export async function recoverAlerts(
  records: readonly SourceRecord[], account: string, sources: AlertSources, config: IngestConfig, logger: Logger,
): Promise<Recovered> {
  const drafted: Alert[] = [];
  const recordIds: string[] = [];
  const verifiedFactors: VerifiedFactor[] = [];
  for (const envelope of envelopesFor(records, account)) {
    const context = alertContext(config, sources);
    const result = await alertsFromEnvelope(envelope, context);
    drafted.push(...result.alerts);
    recordIds.push(...result.recordIds);
    verifiedFactors.push(...(result.verifiedFactors ?? []));
  }
  const { alerts } = await refineAlerts(drafted, sources, config, logger, verifiedFactors);
  return { alerts: alerts.map((a) => ({ ...a, reasons: [...a.reasons, RECOVERED_REASON] })), recordIds };
}
