import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { alarmEvent, alertEvent } from './event';
import { PAGERDUTY_EVENTS_URL, sendToPagerDuty } from './send';
import { CachedSecret } from '../shared/cached-secret';
import type { DeliveryOutcome } from '../shared/delivery';
import { PipelineMetrics } from '../shared/metrics';
import { redactor } from '../shared/redact';
import { checkRoutingKey } from '../shared/secret-shapes';
import { runSubscriber } from '../shared/subscriber';
import { trustedAlarmTopics, type TopicMessage } from '../shared/topic-message';

/**
 * The PagerDuty destination: each message on the alert topic becomes one Events API v2 event.
 * Environment (a public interface): PAGERDUTY_ROUTING_KEY_SECRET_ARN, PAGERDUTY_ROUTING_KEY_SECRET_FIELD,
 * DEAD_LETTER_QUEUE_URL, PAGERDUTY_EVENTS_URL (default PagerDuty's public endpoint), PAGERDUTY_TIMEOUT_MS.
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-pagerduty' });
const metrics = new PipelineMetrics('pagerduty');
const secrets = new SecretsManagerClient({});
let state: { routingKey: CachedSecret; eventsUrl: string; deadLetterQueueUrl: string; timeoutMs: number } | undefined;

function init() {
  if (!state) {
    const secretArn = process.env.PAGERDUTY_ROUTING_KEY_SECRET_ARN;
    const deadLetterQueueUrl = process.env.DEAD_LETTER_QUEUE_URL;
    if (!secretArn) throw new Error('PAGERDUTY_ROUTING_KEY_SECRET_ARN is not set');
    if (!deadLetterQueueUrl) throw new Error('DEAD_LETTER_QUEUE_URL is not set');
    state = {
      routingKey: new CachedSecret(secrets, secretArn, process.env.PAGERDUTY_ROUTING_KEY_SECRET_FIELD || undefined, checkRoutingKey),
      eventsUrl: process.env.PAGERDUTY_EVENTS_URL || PAGERDUTY_EVENTS_URL,
      deadLetterQueueUrl,
      timeoutMs: Number(process.env.PAGERDUTY_TIMEOUT_MS ?? 10_000),
    };
  }
  return state;
}

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const { routingKey, eventsUrl, deadLetterQueueUrl, timeoutMs } = init();
  const deliver = async (message: TopicMessage): Promise<DeliveryOutcome> => {
    const key = await routingKey.value();
    const body = message.type === 'alert' ? alertEvent(message.alert, key) : alarmEvent(message.alarm, key);
    const outcome = await sendToPagerDuty(eventsUrl, body, timeoutMs);
    if (outcome.kind === 'permanent') routingKey.invalidate();
    return outcome;
  };
  return runSubscriber(event, () => context?.getRemainingTimeInMillis() ?? 60_000, {
    destination: 'pagerduty',
    deliver,
    deadLetterQueueUrl,
    logger,
    attemptMs: timeoutMs,
    // PagerDuty echoes nothing secret, but a proxy in between might.
    trustedAlarmTopicArns: trustedAlarmTopics(process.env),
    metrics,
    redact: redactor(() => routingKey.knownValues()),
  });
}
