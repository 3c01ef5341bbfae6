import { gunzipSync } from 'node:zlib';
import { isObject, nonEmptyString } from '../../shared/values';

/**
 * Recognises what invoked the ingest function and decodes it, or says precisely why it cannot.
 * Two shapes arrive: a CloudWatch Logs subscription delivery (`{awslogs: {data}}`, base64 of gzip of
 * JSON) and an EventBridge event (`{source, detail-type, detail}`).
 */

export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

export interface LogsDelivery {
  readonly type: 'logs';
  readonly messageType: string;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly logEvents: LogEvent[];
}

export interface EventBridgeEvent {
  readonly type: 'eventbridge';
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly account?: string;
  readonly region?: string;
  readonly time?: string;
  readonly detail: unknown;
}

export type Envelope = LogsDelivery | EventBridgeEvent;

/** The invocation itself is unusable: the handler rejects it so Lambda retries and then dead-letters it. */
export class MalformedEnvelopeError extends Error {
  constructor(reason: string) {
    super(`malformed event: ${reason}`);
    this.name = 'MalformedEnvelopeError';
  }
}

export function decodeEnvelope(event: unknown): Envelope {
  if (!isObject(event)) throw new MalformedEnvelopeError(`expected an object, got ${describe(event)}`);
  if ('awslogs' in event) return decodeLogs(event.awslogs);
  if ('detail' in event && 'source' in event) return decodeEventBridge(event);
  throw new MalformedEnvelopeError(`unknown event shape with keys [${Object.keys(event).slice(0, 10).join(', ')}]`);
}

function decodeLogs(awslogs: unknown): LogsDelivery {
  if (!isObject(awslogs) || typeof awslogs.data !== 'string') throw new MalformedEnvelopeError('awslogs.data is not a string');
  const compressed = Buffer.from(awslogs.data, 'base64');
  if (compressed.length === 0) throw new MalformedEnvelopeError('awslogs.data is empty or not base64');
  let json: string;
  try {
    json = gunzipSync(compressed).toString('utf8');
  } catch (error) {
    throw new MalformedEnvelopeError(`awslogs.data is not gzip: ${(error as Error).message}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (error) {
    throw new MalformedEnvelopeError(`awslogs.data is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(payload)) throw new MalformedEnvelopeError('awslogs payload is not an object');
  const messageType = stringField(payload, 'messageType');
  if (messageType === 'CONTROL_MESSAGE') {
    return { type: 'logs', messageType, owner: '', logGroup: '', logStream: '', logEvents: [] };
  }
  if (!Array.isArray(payload.logEvents)) throw new MalformedEnvelopeError('awslogs payload has no logEvents array');
  return {
    type: 'logs',
    messageType,
    owner: stringField(payload, 'owner'),
    logGroup: stringField(payload, 'logGroup'),
    logStream: stringField(payload, 'logStream'),
    logEvents: payload.logEvents.map(decodeLogEvent),
  };
}

function decodeLogEvent(value: unknown, index: number): LogEvent {
  if (!isObject(value)) throw new MalformedEnvelopeError(`logEvents[${index}] is not an object`);
  const { id, timestamp, message } = value;
  if (typeof id !== 'string' || id === '') throw new MalformedEnvelopeError(`logEvents[${index}].id is not a string`);
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw new MalformedEnvelopeError(`logEvents[${index}].timestamp is not a number`);
  if (typeof message !== 'string') throw new MalformedEnvelopeError(`logEvents[${index}].message is not a string`);
  return { id, timestamp, message };
}

function decodeEventBridge(event: Record<string, unknown>): EventBridgeEvent {
  const id = event.id;
  if (typeof id !== 'string' || id === '') throw new MalformedEnvelopeError('EventBridge event has no id');
  return {
    type: 'eventbridge',
    id,
    source: typeof event.source === 'string' ? event.source : '',
    detailType: typeof event['detail-type'] === 'string' ? event['detail-type'] : '',
    account: nonEmptyString(event.account),
    region: nonEmptyString(event.region),
    time: nonEmptyString(event.time),
    detail: event.detail,
  };
}

function stringField(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') throw new MalformedEnvelopeError(`awslogs payload field ${key} is not a string`);
  return value;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
