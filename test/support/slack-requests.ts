import { createHmac } from 'node:crypto';

/**
 * Slack's interaction requests as a Lambda Function URL hands them to the function: a form body
 * `payload=<block_actions JSON>`, signed as Slack signs (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`).
 */

export interface Press {
  readonly alertId: string;
  readonly userId: string;
  readonly answer: 'confirm' | 'dispute';
  readonly channelId?: string;
}

export function buttonPayload(press: Press): string {
  const payload = {
    type: 'block_actions',
    user: { id: press.userId, username: press.userId.toLowerCase(), team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'example' },
    channel: { id: press.channelId ?? 'C0SECURITY', name: 'security' },
    container: { type: 'message', channel_id: press.channelId ?? 'C0SECURITY', message_ts: '1760000001.000100' },
    trigger_id: '123.456.abc',
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [{
      type: 'button',
      action_id: press.answer === 'confirm' ? 'login_alert_confirm' : 'login_alert_dispute',
      block_id: 'login_alert_review',
      value: press.alertId,
      action_ts: '1760000002.000300',
    }],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface RequestOptions {
  /** Seconds since the epoch written in the timestamp header (default: now). */
  readonly timestamp?: number;
  readonly headers?: Record<string, string>;
  /** Leave out the signature headers. */
  readonly unsigned?: boolean;
  readonly method?: string;
  /** Body base64-encoded, as Function URLs pass form posts. */
  readonly base64?: boolean;
}

/** A Function URL event (payload format 2.0) carrying `body`, signed with `secret`. */
export function signedRequest(secret: string, body: string, options: RequestOptions = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.unsigned ? {} : { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(secret, timestamp, body) };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', ...signature, ...options.headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      http: { method: options.method ?? 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.50', userAgent: 'Slackbot 1.0' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}
