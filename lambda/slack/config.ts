import { DEFAULT_MENTIONS, DEFAULT_TAG_KEYS, type SlackRenderOptions } from './render';
import type { Severity } from '../shared/alert';
import { SEVERITIES } from '../shared/alert';
import { commaList } from '../shared/values';

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

/** SLACK_MENTIONS and SLACK_TAG_KEYS, shared by the webhook and the Slack app functions. */
export function readRenderOptions(env: NodeJS.ProcessEnv): SlackRenderOptions {
  return {
    mentions: env.SLACK_MENTIONS ? parseMentions(env.SLACK_MENTIONS) : DEFAULT_MENTIONS,
    tagKeys: env.SLACK_TAG_KEYS !== undefined ? commaList(env.SLACK_TAG_KEYS) : DEFAULT_TAG_KEYS,
  };
}

export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function parseMentions(json: string): Partial<Record<Severity, string>> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('SLACK_MENTIONS is not a JSON object');
  const mentions: Partial<Record<Severity, string>> = {};
  for (const [severity, mention] of Object.entries(parsed)) {
    if (!SEVERITIES.includes(severity as Severity) || typeof mention !== 'string') throw new Error(`SLACK_MENTIONS: bad entry ${severity}`);
    if (mention !== '') mentions[severity as Severity] = mention;
  }
  return mentions;
}
