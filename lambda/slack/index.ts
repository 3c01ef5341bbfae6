import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { readSlackConfig } from './config';
import { postToSlack } from './send';
import { CachedSecret } from '../shared/cached-secret';
import type { DeliveryOutcome } from '../shared/delivery';
import { PipelineMetrics } from '../shared/metrics';
import { redactor } from '../shared/redact';
import { checkSlackWebhookUrl } from '../shared/secret-shapes';
import { renderAlarm, renderAlert } from '../shared/slack/render';
import { runSubscriber } from '../shared/subscriber';
import { trustedAlarmTopics, type TopicMessage } from '../shared/topic-message';

/**
 * The Slack destination: each message on the alert topic becomes one Block Kit message posted to an
 * Incoming Webhook whose URL is read from Secrets Manager at run time (never from the environment).
 */

const logger = new Logger({ serviceName: 'cdk-login-alerts-slack' });
const metrics = new PipelineMetrics('slack');
const secrets = new SecretsManagerClient({});
let state: { config: ReturnType<typeof readSlackConfig>; webhookUrl: CachedSecret } | undefined;

function init() {
  if (!state) {
    const config = readSlackConfig(process.env);
    state = { config, webhookUrl: new CachedSecret(secrets, config.secretArn, config.secretField, checkSlackWebhookUrl) };
  }
  return state;
}

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const { config, webhookUrl } = init();
  const deliver = async (message: TopicMessage): Promise<DeliveryOutcome> => {
    const payload = message.type === 'alert' ? renderAlert(message.alert, config.render) : renderAlarm(message.alarm);
    const url = await webhookUrl.value();
    const outcome = await postToSlack(url, payload, config.timeoutMs);
    // A revoked or rotated webhook: read the secret afresh next time.
    if (outcome.kind === 'permanent') webhookUrl.invalidate();
    return outcome;
  };
  return runSubscriber(event, () => context?.getRemainingTimeInMillis() ?? 60_000, {
    destination: 'slack',
    deliver,
    deadLetterQueueUrl: config.deadLetterQueueUrl,
    logger,
    attemptMs: config.timeoutMs,
    // The webhook URL is the secret: its token must not appear in anything written out.
    trustedAlarmTopicArns: trustedAlarmTopics(process.env),
    metrics,
    redact: redactor(() => webhookUrl.knownValues()),
  });
}
