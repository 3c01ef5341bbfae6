import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { syslogTimeToMs } from './syslog-time';
import { alertsFromEnvelope } from '../lambda/ingest/alerts-from-envelope';
import { decodeEnvelope, type LogsDelivery } from '../lambda/ingest/parse/envelope';
import type { VerifiedFactor } from '../lambda/ingest/parse/sign-in-event';
import { readRecord } from '../lambda/ingest/parse/syslog-record';
import type { Alert } from '../lambda/shared/alert';
import { whereFrom } from '../lambda/shared/alert-text';
import { NetworkSet } from '../lambda/shared/networks';
import { isObject } from '../lambda/shared/values';
import { cloudTrailDetailType } from '../src/contract/event-patterns';

/**
 * `cdk-login-alerts replay`: runs log files through the ingest function's own parser and severity
 * policy (the same modules, bundled) and returns the alerts they would raise. No AWS calls: instance
 * enrichment is skipped.
 */

export interface ReplayOptions {
  readonly trustedCidrs: string[];
  readonly account: string;
  readonly region: string;
  /** The log group the files' log events came from (`--log-group`): an EKS cluster's names the cluster. */
  readonly logGroup?: string;
}

export class UnreadableInputError extends Error {}

/**
 * The alerts one file would raise (plain or gzip): an auth log, Windows event XML, a log group's
 * events as the AWS CLI prints them, or CloudTrail / EventBridge JSON. What one file raises: its alerts, and the Identity Center factors that passed (for the ledger, as the ingest function keeps them). */
export interface Replayed {
  readonly alerts: Alert[];
  readonly verifiedFactors: VerifiedFactor[];
  /** What the file held: its records, how many of them replay reads (a line with an sshd or Instance Connect header), and in what form. */
  readonly read: { readonly records: number; readonly recognised: number; readonly form: string };
}

export async function replayFile(path: string, options: ReplayOptions): Promise<Replayed> {
  let text: string;
  let modified: number;
  try {
    const raw = readFileSync(path);
    modified = statSync(path).mtimeMs;
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  } catch (error) {
    throw new UnreadableInputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const context = { policy: { trustedNetworks: NetworkSet.parse(options.trustedCidrs) }, region: options.region };
  const windowsEvents = windowsXmlEvents(text, path, modified);
  const logEvents = windowsEvents ?? logsExportEvents(text, path);
  if (logEvents) {
    // Windows events (`wevtutil qe Security /f:xml`, Event Viewer's "Save as XML"), or a log group's
    // events as `aws logs filter-log-events` writes them: one delivery per log stream, as a subscription sends them.
    const alerts: Alert[] = [];
    for (const [logStream, streamEvents] of logEvents) {
      const delivery: LogsDelivery = { type: 'logs', messageType: 'DATA_MESSAGE', owner: options.account, logGroup: options.logGroup ?? path, logStream, logEvents: streamEvents };
      alerts.push(...(await alertsFromEnvelope(delivery, context)).alerts);
    }
    const records = [...logEvents.values()].reduce((n, list) => n + list.length, 0);
    const form = windowsEvents ? 'Windows events' : 'log events';
    return { alerts, verifiedFactors: [], read: { records, recognised: records, form } };
  }
  const events = jsonEvents(text);
  if (events === undefined) {
    // An auth log: each line's own time (a full date as it is; a traditional one with its year
    // inferred from the file's time); a line without any time takes the file's.
    const lines = text.split(/\r?\n/).filter((line) => line !== '');
    const delivery: LogsDelivery = {
      type: 'logs',
      messageType: 'DATA_MESSAGE',
      owner: options.account,
      logGroup: path,
      logStream: basename(path),
      logEvents: lines.map((message, index) => ({ id: `${basename(path)}:${index + 1}`, timestamp: lineTime(message, modified), message })),
    };
    const recognised = lines.filter((line) => readRecord(line, 'sshd') ?? readRecord(line, 'ec2-instance-connect')).length;
    return { alerts: (await alertsFromEnvelope(delivery, context)).alerts, verifiedFactors: [], read: { records: lines.length, recognised, form: 'lines' } };
  }
  const alerts: Alert[] = [];
  const verifiedFactors: VerifiedFactor[] = [];
  for (const [index, event] of events.entries()) {
    const envelope = isObject(event) && 'detail' in event ? event : asEventBridgeEvent(event, `${basename(path)}:${index + 1}`, options);
    try {
      const result = await alertsFromEnvelope(decodeEnvelope(envelope), context);
      alerts.push(...result.alerts);
      verifiedFactors.push(...(result.verifiedFactors ?? []));
    } catch (error) {
      throw new UnreadableInputError(`${path}, event ${index + 1}: ${(error as Error).message}`);
    }
  }
  return { alerts, verifiedFactors, read: { records: events.length, recognised: events.length, form: 'events' } };
}

type StreamEvents = Map<string, LogsDelivery['logEvents']>;

/** `<Event …>…</Event>` elements, each a log event of one stream named after the file; undefined when the text is not XML. */
function windowsXmlEvents(text: string, path: string, modified: number): StreamEvents | undefined {
  // `<Event`, `<Events>` (Event Viewer), with or without an XML declaration; not a syslog `<PRI>` line.
  if (!/^\s*(?:<\?xml[^>]*>\s*)?<Events?[\s>]/.test(text)) return undefined;
  const events = text.match(/<Event[\s>][\s\S]*?<\/Event>/g) ?? [];
  const time = (xml: string) => Date.parse(/SystemTime=['"]([^'"]+)['"]/.exec(xml)?.[1] ?? '') || modified;
  return new Map([[basename(path), events.map((message, index) => ({ id: `${basename(path)}:${index + 1}`, timestamp: time(message), message }))]]);
}

/** `aws logs filter-log-events` / `get-log-events` output: `{events: [{logStreamName?, timestamp, message, eventId?}]}`. */
function logsExportEvents(text: string, path: string): StreamEvents | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !Array.isArray(value.events) || !value.events.every((e) => isObject(e) && typeof e.message === 'string')) return undefined;
  const streams: StreamEvents = new Map();
  for (const [index, event] of (value.events as Array<Record<string, unknown>>).entries()) {
    const stream = typeof event.logStreamName === 'string' ? event.logStreamName : basename(path);
    const id = typeof event.eventId === 'string' ? event.eventId : `${basename(path)}:${index + 1}`;
    const list = streams.get(stream) ?? [];
    list.push({ id, timestamp: typeof event.timestamp === 'number' ? event.timestamp : Date.now(), message: event.message as string });
    streams.set(stream, list);
  }
  return streams;
}

/** When a log line says it was written: its header's full date, or its syslog time in the year before `modified`. */
function lineTime(line: string, modified: number): number {
  const header = (readRecord(line, 'sshd') ?? readRecord(line, 'ec2-instance-connect'))?.header;
  if (header?.time) return Date.parse(header.time);
  return (header?.syslogTime && syslogTimeToMs(header.syslogTime, modified)) || modified;
}

/** A CloudTrail record (a log file's Records, lookup-events' CloudTrailEvent) wrapped the way EventBridge delivers it. */
function asEventBridgeEvent(record: unknown, id: string, options: ReplayOptions): Record<string, unknown> {
  const detail = isObject(record) ? record : {};
  const eventSource = typeof detail.eventSource === 'string' ? detail.eventSource : 'signin.amazonaws.com';
  return {
    id,
    'source': `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`,
    'detail-type': cloudTrailDetailType(detail.eventType),
    'account': typeof detail.recipientAccountId === 'string' ? detail.recipientAccountId : options.account,
    'region': typeof detail.awsRegion === 'string' ? detail.awsRegion : options.region,
    'detail': record,
  };
}

/**
 * Events in a JSON file (one event, an array, a CloudTrail log file's `{Records: [...]}`,
 * `aws cloudtrail lookup-events` output's `{Events: [{CloudTrailEvent: "<json>"}]}`, or JSON
 * Lines), or undefined for text.
 */
export function jsonEvents(text: string): unknown[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value)) return value;
    if (isObject(value) && Array.isArray(value.Records)) return value.Records;
    if (isObject(value) && Array.isArray(value.Events)) return value.Events.map(lookedUpRecord);
    return [value];
  } catch {
    // Not one JSON document: JSON Lines, or a log that happens to start with a bracket.
  }
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== '');
  try {
    return lines.map((line) => JSON.parse(line) as unknown);
  } catch {
    return undefined;
  }
}

/** lookup-events gives each record as a JSON string in `CloudTrailEvent`; one that is not JSON is kept as it is and refused by the parser with its reason. */
function lookedUpRecord(event: unknown): unknown {
  if (!isObject(event) || typeof event.CloudTrailEvent !== 'string') return event;
  try {
    return JSON.parse(event.CloudTrailEvent) as unknown;
  } catch {
    return event;
  }
}

/** One readable line per alert. */
export function formatAlert(alert: Alert): string {
  const place = whereFrom(alert);
  return `${alert.time} ${alert.severity.toUpperCase().padEnd(8)} ${alert.summary.replace(/^\[[A-Z]+\] /, '')}${place ? ` [${place}]` : ''} (${alert.reasons.join('; ')})`;
}
