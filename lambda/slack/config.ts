import type { SlackRenderOptions } from '../shared/slack/render';
import { readRenderOptions } from '../shared/slack/render-options';
import { required } from '../shared/values';

/**
 * The Slack function's settings from its environment. Variable names are a public interface:
 * SLACK_WEBHOOK_SECRET_ARN, SLACK_WEBHOOK_SECRET_FIELD, DEAD_LETTER_QUEUE_URL, SLACK_MENTIONS
 * (JSON object severity → mention), SLACK_TAG_KEYS (comma-separated), SLACK_TIMEOUT_MS.
 */
export interface SlackConfig {
  readonly secretArn: string;
  readonly secretField?: string;
  readonly deadLetterQueueUrl: string;
  readonly render: SlackRenderOptions;
  readonly timeoutMs: number;
}

export function readSlackConfig(env: NodeJS.ProcessEnv): SlackConfig {
  const secretArn = required(env, 'SLACK_WEBHOOK_SECRET_ARN');
  const deadLetterQueueUrl = required(env, 'DEAD_LETTER_QUEUE_URL');
  return {
    secretArn,
    secretField: env.SLACK_WEBHOOK_SECRET_FIELD || undefined,
    deadLetterQueueUrl,
    render: readRenderOptions(env),
    timeoutMs: Number(env.SLACK_TIMEOUT_MS ?? 10_000),
  };
}
