import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { approverGroupReader } from './approver-group';
import { postAlert } from './post-alert';
import { handleReviewQueue, type ReviewQueueDeps, type SqsRecord } from './review-queue-handler';
import { slackAppRuntime, type SlackAppRuntime } from './runtime';
import { callSlack } from './slack-api';
import { sendToDeadLetterQueue } from '../shared/dead-letter';
import type { DeliveryOutcome } from '../shared/delivery';
import { PipelineMetrics } from '../shared/metrics';
import { renderAlarm } from '../shared/slack/render';
import { runSubscriber } from '../shared/subscriber';
import { trustedAlarmTopics, type TopicMessage } from '../shared/topic-message';
import { isObject, required } from '../shared/values';

/**
 * The Slack app destination (bot token): posts each alert on the topic to the channel and, when it
 * asks for review, to its person as a direct message with "This was me" / "This wasn't me"; and
 * handles the review queue (`review-queue.ts`): reminders, the deadline, the button presses the
 * interaction endpoint queued, and retries of escalations and redraws. Settings: `config.ts`.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-slack-app' });
const metrics = new PipelineMetrics('slackapp');
let runtime: SlackAppRuntime | undefined;
let approverGroup: ReturnType<typeof approverGroupReader> | undefined;

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<unknown> {
  runtime ??= slackAppRuntime(process.env);
  const rt = runtime;
  approverGroup ??= approverGroupReader(rt.config.review.approverGroup);
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 60_000;
  const deps = rt.deps(logger, remainingMs, metrics);
  if (isReviewQueueBatch(event)) {
    const queueDeps: ReviewQueueDeps = {
      ...deps,
      deadLetter: deadLetter(rt),
      approverGroupMembers: () => approverGroup!(deps.slack, deps.budget, logger),
      redact: rt.redact,
    };
    try {
      return await handleReviewQueue(event.Records, queueDeps);
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

function isReviewQueueBatch(event: unknown): event is { Records: SqsRecord[] } {
  return isObject(event) && Array.isArray(event.Records) && event.Records.length > 0 && isObject(event.Records[0]) && event.Records[0].eventSource === 'aws:sqs';
}

function deadLetter(rt: SlackAppRuntime) {
  return async (reason: string, record: unknown) => {
    await sendToDeadLetterQueue(required(process.env, 'DEAD_LETTER_QUEUE_URL'), { destination: 'slackapp', reason, record }, rt.redact);
  };
}
