import { SecretError } from './cached-secret';

/**
 * Shape checks for the secrets the destinations read. A failure names the secret's ARN (and field)
 * only, never the value: a mistyped secret must not end up in a log line, an error or a dead letter.
 */

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** Names a secret (and its field) in an error: never its value. */
function secretName(secretArn: string, field: string | undefined): string {
  return `secret ${secretArn}${field ? ` field ${field}` : ''}`;
}

/** A whole JSON secret read where one of its fields was meant: say which factory takes the field. */
function refuseJson(value: string, where: string, what: string, holder: string, factory: string): void {
  if (value.startsWith('{')) throw new SecretError(`${where} is JSON, not ${what}: name the field that holds ${holder} (${factory}(secret, 'field'))`);
}

/** An Incoming Webhook URL: https (http only to a loopback receiver, for tests). */
export function checkSlackWebhookUrl(value: string, secretArn: string, field: string | undefined): void {
  const where = secretName(secretArn, field);
  refuseJson(value, where, 'a webhook URL', 'the URL', 'SlackWebhook.fromSecret');
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname)))) {
    throw new SecretError(`${where} is not a Slack Incoming Webhook URL (https://hooks.slack.com/services/...)`);
  }
}

/** A PagerDuty Events API v2 routing (integration) key: 32 characters, letters and digits. */
export function checkRoutingKey(value: string, secretArn: string, field: string | undefined): void {
  const where = secretName(secretArn, field);
  refuseJson(value, where, 'a routing key', 'the key', 'PagerDutyRoutingKey.fromSecret');
  if (!/^[A-Za-z0-9]{20,64}$/.test(value)) {
    throw new SecretError(`${where} is not a PagerDuty Events API v2 routing key (32 letters and digits)`);
  }
}

/** A Slack bot token (`xoxb-…`, or `xoxe.xoxb-…` with token rotation). */
export function checkSlackBotToken(value: string, secretArn: string, field: string | undefined): void {
  const where = secretName(secretArn, field);
  refuseJson(value, where, 'a bot token', 'it', 'SlackBotToken.fromSecret');
  if (!/^(?:xoxe\.)?xoxb-[A-Za-z0-9-]+$/.test(value)) throw new SecretError(`${where} is not a Slack bot token (xoxb-…)`);
}

/** A Slack app's signing secret: 32 hex digits as Slack issues it (any length ≥ 16 is accepted). */
export function checkSigningSecret(value: string, secretArn: string, field: string | undefined): void {
  const where = secretName(secretArn, field);
  refuseJson(value, where, 'a signing secret', 'it', 'SlackSigningSecret.fromSecret');
  if (!/^[A-Za-z0-9]{16,128}$/.test(value)) throw new SecretError(`${where} is not a Slack signing secret (32 hex digits, from the app's Basic Information page)`);
}
