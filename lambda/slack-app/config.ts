import { SEVERITIES, type Severity } from '../shared/alert';
import type { SlackRenderOptions } from '../shared/slack/render';
import { readRenderOptions } from '../shared/slack/render-options';
import { commaList, required } from '../shared/values';

/**
 * The Slack app delivery function's settings (posts, reminders, answers) from its environment; the
 * interaction endpoint reads only its own three variables (`interaction.ts`). Variable names are a
 * public interface:
 *
 * - SLACK_BOT_TOKEN_SECRET_ARN, SLACK_BOT_TOKEN_SECRET_FIELD: the bot token (xoxb-…), read at run time
 * - SLACK_CHANNEL: the channel id alerts are posted to
 * - SLACK_API_URL: the Web API base URL (default `https://slack.com/api/`)
 * - LEDGER_TABLE_NAME: the login ledger, where each message's place and review state are kept
 * - ALERT_TOPIC_ARN: where escalations are published
 * - DEAD_LETTER_QUEUE_URL (delivery function; read by index.ts), REMINDER_QUEUE_URL
 * - REVIEW_MIN_SEVERITY (default `medium`), REVIEW_FAILURES (`true`/`false`, default false)
 * - DIRECT_MESSAGES (default true), REMINDER_WAIT_SECONDS (default 900), REMINDERS (default 2)
 * - REVIEW_RETRY_SECONDS (default 30): the first wait before a step that failed (an escalation
 *   SNS refused, a reminder or redraw Slack did not take) is tried again, doubling to 15 minutes
 * - SLACK_APPROVERS (comma-separated user ids), SLACK_APPROVER_GROUP (a user group id)
 * - SLACK_MENTIONS (JSON severity → mention), SLACK_TAG_KEYS (comma-separated), SLACK_TIMEOUT_MS
 * - ROUTING_TAG_KEYS: instance tags published as `tag.<key>` attributes on escalations, as ingest does
 */
export interface SlackAppConfig {
  readonly botToken: SecretLocation;
  readonly channel: string;
  readonly apiUrl?: string;
  readonly ledgerTableName: string;
  readonly alertTopicArn?: string;
  readonly reminderQueueUrl?: string;
  readonly review: ReviewSettings;
  readonly render: SlackRenderOptions;
  readonly timeoutMs: number;
  readonly routingTagKeys: string[];
}

export interface SecretLocation {
  readonly arn: string;
  readonly field?: string;
}

export interface ReviewSettings {
  readonly minSeverity: Severity;
  readonly failures: boolean;
  readonly directMessages: boolean;
  readonly reminderWaitSeconds: number;
  readonly reminders: number;
  readonly retrySeconds: number;
  readonly approvers: string[];
  readonly approverGroup?: string;
}

export function readSlackAppConfig(env: NodeJS.ProcessEnv): SlackAppConfig {
  const minSeverity = (env.REVIEW_MIN_SEVERITY || 'medium') as Severity;
  if (!SEVERITIES.includes(minSeverity)) throw new Error(`REVIEW_MIN_SEVERITY must be one of ${SEVERITIES.join(', ')}`);
  return {
    botToken: { arn: required(env, 'SLACK_BOT_TOKEN_SECRET_ARN'), field: env.SLACK_BOT_TOKEN_SECRET_FIELD || undefined },
    channel: required(env, 'SLACK_CHANNEL'),
    apiUrl: env.SLACK_API_URL || undefined,
    ledgerTableName: required(env, 'LEDGER_TABLE_NAME'),
    alertTopicArn: env.ALERT_TOPIC_ARN || undefined,
    reminderQueueUrl: env.REMINDER_QUEUE_URL || undefined,
    review: {
      minSeverity,
      failures: env.REVIEW_FAILURES === 'true',
      directMessages: env.DIRECT_MESSAGES !== 'false',
      reminderWaitSeconds: whole(env, 'REMINDER_WAIT_SECONDS', 900),
      reminders: whole(env, 'REMINDERS', 2),
      retrySeconds: Math.max(1, whole(env, 'REVIEW_RETRY_SECONDS', 30)),
      approvers: commaList(env.SLACK_APPROVERS),
      approverGroup: env.SLACK_APPROVER_GROUP || undefined,
    },
    render: readRenderOptions(env),
    timeoutMs: whole(env, 'SLACK_TIMEOUT_MS', 10_000),
    routingTagKeys: commaList(env.ROUTING_TAG_KEYS),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${env[name]}`);
  return value;
}
