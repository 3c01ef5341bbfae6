import type { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { WebClient } from '@slack/web-api';
import { readSlackAppConfig, type SlackAppConfig } from './config';
import { escalationPublisher } from './escalation';
import type { ReviewDeps } from './review-actions';
import { reviewQueueSender } from './review-queue';
import { ReviewStore } from './review-store';
import { slackClient } from './slack-api';
import { CachedSecret } from '../shared/cached-secret';
import type { PipelineMetrics } from '../shared/metrics';
import { redactor } from '../shared/redact';
import { checkSlackBotToken } from '../shared/secret-shapes';

/**
 * What the Slack app's delivery function builds once per container: settings, the bot token (read
 * from Secrets Manager at run time, cached five minutes), a Web API client for the current token,
 * the review ledger, the review queue and the escalation publisher. `redact` removes every secret
 * read from any text.
 */
export interface SlackAppRuntime {
  readonly config: SlackAppConfig;
  readonly botToken: CachedSecret;
  readonly redact: (text: string) => string;
  deps(logger: Logger, remainingMs: () => number, metrics?: PipelineMetrics): ReviewDeps;
}

export function slackAppRuntime(env: NodeJS.ProcessEnv): SlackAppRuntime {
  const config = readSlackAppConfig(env);
  const secrets = new SecretsManagerClient({});
  const botToken = new CachedSecret(secrets, config.botToken.arn, config.botToken.field, checkSlackBotToken);
  const store = new ReviewStore(config.ledgerTableName);
  const publisher = config.alertTopicArn ? escalationPublisher(config.alertTopicArn, config.routingTagKeys) : undefined;
  const queueUrl = config.reminderQueueUrl;
  const enqueue = queueUrl ? reviewQueueSender(new SQSClient({}), queueUrl) : undefined;
  let client: { token: string; web: WebClient } | undefined;
  const slack = async () => {
    const token = await botToken.value();
    if (client?.token !== token) client = { token, web: slackClient(token, { apiUrl: config.apiUrl, timeoutMs: config.timeoutMs }) };
    return client.web;
  };
  return {
    config,
    botToken,
    redact: redactor(() => botToken.knownValues()),
    deps: (logger, remainingMs, metrics) => ({
      config,
      store,
      slack,
      publish: async (alert) => {
        if (!publisher) throw new Error('ALERT_TOPIC_ARN is not set: escalations cannot be published');
        await publisher(alert);
      },
      enqueue: async (message) => {
        if (!enqueue) throw new Error('REMINDER_QUEUE_URL is not set: the review loop cannot queue its next step');
        await enqueue(message);
      },
      budget: { remainingMs, attemptMs: config.timeoutMs },
      logger,
      metrics,
      now: Date.now,
    }),
  };
}
