import { SEVERITIES, type Alert } from './alert';
import { commaList, isObject, nonEmptyString } from './values';

/**
 * What a subscriber finds on the alert topic: an alert (schema v1) from the ingest function, or a
 * CloudWatch alarm notification saying the alerting pipeline itself is unwell.
 */

export interface AlarmNotification {
  readonly alarmName: string;
  readonly newState: string;
  readonly oldState?: string;
  readonly reason?: string;
  readonly description?: string;
  readonly time?: string;
  readonly account?: string;
  readonly region?: string;
}

export type TopicMessage =
  | { readonly type: 'alert'; readonly messageId: string; readonly alert: Alert }
  | { readonly type: 'alarm'; readonly messageId: string; readonly alarm: AlarmNotification };

/** A record that no subscriber can act on; it goes to the dead-letter queue with this reason. */
export class MalformedMessageError extends Error {
  constructor(reason: string) {
    super(`malformed topic message: ${reason}`);
    this.name = 'MalformedMessageError';
  }
}

/** The SNS records of a Lambda invocation, each with its own message or the reason it is unusable. */
export interface SnsRecord {
  readonly messageId: string;
  /** The topic SNS says the notification came from (set by SNS, not by the publisher). */
  readonly topicArn?: string;
  /** The raw notification, kept for the dead-letter queue. */
  readonly raw: unknown;
  readonly message?: TopicMessage;
  readonly error?: MalformedMessageError;
}

export function readSnsEvent(event: unknown): SnsRecord[] {
  if (!isObject(event) || !Array.isArray(event.Records)) throw new MalformedMessageError('the event has no Records array');
  return event.Records.map((record, index) => {
    const sns = isObject(record) && isObject(record.Sns) ? record.Sns : undefined;
    const messageId = nonEmptyString(sns?.MessageId) ?? `record-${index}`;
    const topicArn = nonEmptyString(sns?.TopicArn);
    try {
      if (!sns) throw new MalformedMessageError(`Records[${index}] has no Sns notification`);
      return { messageId, topicArn, raw: record, message: parseTopicMessage(sns.Message, messageId) };
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      return { messageId, topicArn, raw: record, error };
    }
  });
}

/**
 * The topics alarm notifications are trusted from (`ALARM_TOPIC_ARNS`, comma-separated), or
 * undefined to trust any (a function wired by hand without the variable).
 */
export function trustedAlarmTopics(env: NodeJS.ProcessEnv): string[] | undefined {
  const arns = commaList(env.ALARM_TOPIC_ARNS);
  return arns.length > 0 ? arns : undefined;
}

export function parseTopicMessage(message: unknown, messageId: string): TopicMessage {
  if (typeof message !== 'string') throw new MalformedMessageError('Sns.Message is not a string');
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch (error) {
    throw new MalformedMessageError(`Sns.Message is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(body)) throw new MalformedMessageError('Sns.Message is not a JSON object');
  if ('AlarmName' in body) return { type: 'alarm', messageId, alarm: parseAlarm(body) };
  return { type: 'alert', messageId, alert: parseAlert(body) };
}

const REQUIRED_STRINGS = ['id', 'kind', 'outcome', 'time', 'account', 'region', 'user', 'summary'] as const;

/** Checks the fields every subscriber relies on; unknown extra fields are allowed (v1 only grows). */
export function parseAlert(body: Record<string, unknown>): Alert {
  if (body.schemaVersion !== 1) throw new MalformedMessageError(`unsupported schemaVersion ${JSON.stringify(body.schemaVersion)}`);
  for (const field of REQUIRED_STRINGS) {
    if (typeof body[field] !== 'string') throw new MalformedMessageError(`alert field ${field} is not a string`);
  }
  if (!SEVERITIES.includes(body.severity as never)) throw new MalformedMessageError(`alert severity ${JSON.stringify(body.severity)} is not one of ${SEVERITIES.join(', ')}`);
  if (!Array.isArray(body.reasons) || !body.reasons.every((r) => typeof r === 'string')) throw new MalformedMessageError('alert reasons is not a list of strings');
  if (!isObject(body.origin)) throw new MalformedMessageError('alert origin is not an object');
  if (body.host !== undefined && !isObject(body.host)) throw new MalformedMessageError('alert host is not an object');
  return body as unknown as Alert;
}

function parseAlarm(body: Record<string, unknown>): AlarmNotification {
  const alarmName = nonEmptyString(body.AlarmName);
  const newState = nonEmptyString(body.NewStateValue);
  if (!alarmName || !newState) throw new MalformedMessageError('alarm notification without AlarmName or NewStateValue');
  return {
    alarmName,
    newState,
    oldState: nonEmptyString(body.OldStateValue),
    reason: nonEmptyString(body.NewStateReason),
    description: nonEmptyString(body.AlarmDescription),
    time: nonEmptyString(body.StateChangeTime),
    account: nonEmptyString(body.AWSAccountId),
    region: nonEmptyString(body.Region),
  };
}
