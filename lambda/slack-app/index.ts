import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { postAlert, type PostDeps } from './post-alert';
import { parseReminder, reminderSender } from './reminder-queue';
import { handleReminder, type ReminderDeps } from './reminders';
import { slackAppRuntime, type SlackAppRuntime } from './runtime';
import { callSlack } from './slack-api';
import { sendToDeadLetterQueue } from '../shared/dead-letter';
import type { DeliveryOutcome } from '../shared/delivery';
import { PipelineMetrics } from '../shared/metrics';
import { runSubscriber } from '../shared/subscriber';
import { trustedAlarmTopics, type TopicMessage } from '../shared/topic-message';
import { isObject } from '../shared/values';
import { required } from '../slack/config';
import { renderAlarm } from '../slack/render';

/**
 * The Slack app destination (bot token): posts each alert on the topic to the channel and, when it
 * asks for review, to its person as a direct message with "This was me" / "This wasn't me"; and
 * handles the reminder queue (delayed SQS messages, `reminder-queue.ts`). The buttons' answers
 * arrive at the other function, `slack-interaction`. Settings: `config.ts`.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-slack-app' });
const metrics = new PipelineMetrics('slackapp');
let runtime: SlackAppRuntime | undefined;
let sqs: SQSClient | undefined;

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<unknown> {
  runtime ??= slackAppRuntime(process.env);
  sqs ??= new SQSClient({});
  const rt = runtime;
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 60_000;
  const queueUrl = rt.config.reminderQueueUrl;
  const deps: PostDeps = { ...rt.deps(logger, remainingMs, metrics), ...(queueUrl && { scheduleReminder: reminderSender(sqs, queueUrl) }) };
  if (isReminderBatch(event)) {
    try {
      return await reminders(event.Records, { ...deps, scheduleReminder: deps.scheduleReminder!, deadLetter: deadLetter(rt) });
    } finally {
      metrics.flush();
    }
  }

  const deliver = async (message: TopicMessage): Promise<DeliveryOutcome> => {
    if (message.type === 'alert') return postAlert(message.alert, deps);
    const client = await deps.slack();
    const posted = await callSlack('chat.postMessage', () => client.chat.postMessage({ channel: rt.config.channel, ...renderAlarm(message.alarm) } as never), deps.budget);
    return posted.ok ? { kind: 'delivered' } : posted.failure;
  };
  return runSubscriber(event, remainingMs, {
    destination: 'slackapp',
    deliver: async (message) => {
      const outcome = await deliver(message);
      // A revoked or rotated token: read the secret afresh next time.
      if (outcome.kind === 'permanent') rt.botToken.invalidate();
      return outcome;
    },
    deadLetterQueueUrl: required(process.env, 'DEAD_LETTER_QUEUE_URL'),
    logger,
    attemptMs: rt.config.timeoutMs,
    trustedAlarmTopicArns: trustedAlarmTopics(process.env),
    metrics,
    redact: rt.redact,
  });
}

interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly eventSource: 'aws:sqs';
}

function isReminderBatch(event: unknown): event is { Records: SqsRecord[] } {
  return isObject(event) && Array.isArray(event.Records) && event.Records.length > 0 && isObject(event.Records[0]) && event.Records[0].eventSource === 'aws:sqs';
}

/** Each reminder on its own: one that fails is retried by the queue (partial batch response), the rest are done. */
async function reminders(records: SqsRecord[], deps: ReminderDeps): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    let message;
    try {
      message = parseReminder(record.body);
    } catch (error) {
      logger.error('not a reminder, sent to the dead-letter queue', { messageId: record.messageId, reason: (error as Error).message });
      await deps.deadLetter(`malformed reminder: ${(error as Error).message}`, record);
      continue;
    }
    try {
      const result = await handleReminder(message, deps);
      logger.info('reminder handled', { alertId: message.alertId, reminder: message.reminder, result });
    } catch (error) {
      logger.warn('reminder failed, will be retried', { alertId: message.alertId, reason: runtime!.redact((error as Error).message) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

function deadLetter(rt: SlackAppRuntime) {
  return async (reason: string, record: unknown) => {
    await sendToDeadLetterQueue(required(process.env, 'DEAD_LETTER_QUEUE_URL'), { destination: 'slackapp', reason, record }, rt.redact);
  };
}
