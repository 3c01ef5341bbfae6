import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { PayloadError, parseButtonPress } from './button-payload';
import { reviewQueueSender } from './review-queue';
import { verifySlackSignature } from './slack-signature';
import { INTERACTION_REJECTED_LOG } from '../../src/contract/log-lines';
import { CachedSecret } from '../shared/cached-secret';
import { PipelineMetrics } from '../shared/metrics';
import { redactor } from '../shared/redact';
import { checkSigningSecret } from '../shared/secret-shapes';
import { required } from '../shared/values';

/**
 * The Slack app's interaction endpoint: the buttons' answers. It sits behind a Lambda Function URL
 * (auth NONE: Slack cannot sign AWS requests; the Slack signature is the authentication) rather
 * than an API Gateway HTTP API: Slack needs one POST route and the raw body for the signature,
 * which a Function URL gives as-is, with no second service to deploy, pay for or secure.
 *
 * Every request is checked before anything is read from it: POST only, at most 256 KiB, a valid
 * Slack v0 signature with a fresh timestamp (`signature.ts`). A rejected request gets its status and
 * a log line with the reason and size, never the body.
 *
 * A press that passes is queued on the review queue and answered at once: the delivery function
 * decides what it does (confirm, refuse, dispute and escalate), redraws the messages and answers
 * the presser. Why not decide here: Slack shows its user an error after three seconds, and
 * deciding can take Slack calls (the approver group) and DynamoDB writes that a slow Slack or a
 * throttled table stretch past that; one SQS write bounded by a short timeout does not. It also
 * keeps this public endpoint small: it holds no bot token and cannot touch the ledger or the topic.
 * Settings: SLACK_SIGNING_SECRET_ARN, SLACK_SIGNING_SECRET_FIELD, REMINDER_QUEUE_URL.
 */

export const MAX_BODY_BYTES = 256 * 1024;


const logger = new Logger({ serviceName: 'cdk-login-alerts-slack-interaction' });
// The same `service` as the delivery function's: one set of review metrics for the dashboard.
const metrics = new PipelineMetrics('slackapp');
let state: { signingSecret: CachedSecret; enqueue: ReturnType<typeof reviewQueueSender>; redact: (text: string) => string } | undefined;

// Short timeouts and one retry: a request that cannot be queued fails well inside Slack's three seconds.
const FAST = { maxAttempts: 2, requestHandler: { connectionTimeout: 500, requestTimeout: 1000 } };

function init() {
  if (!state) {
    const signingSecret = new CachedSecret(
      new SecretsManagerClient(FAST), required(process.env, 'SLACK_SIGNING_SECRET_ARN'), process.env.SLACK_SIGNING_SECRET_FIELD || undefined, checkSigningSecret,
    );
    state = {
      signingSecret,
      enqueue: reviewQueueSender(new SQSClient(FAST), required(process.env, 'REMINDER_QUEUE_URL')),
      redact: redactor(() => signingSecret.knownValues()),
    };
  }
  return state;
}

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  try {
    return await handle(event);
  } finally {
    metrics.flush();
  }
}

async function handle(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const started = Date.now();
  const s = init();
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const retryNum = headers['x-slack-retry-num'];
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
  const bytes = Buffer.byteLength(raw);
  const reject = (statusCode: number, reason: string): LambdaFunctionURLResult => {
    logger.warn(INTERACTION_REJECTED_LOG, { statusCode, reason, bodyBytes: bytes, sourceIp: event.requestContext?.http?.sourceIp, retryNum });
    metrics.count('InteractionsRejected', 1);
    return { statusCode, body: statusCode === 401 ? 'invalid signature' : 'bad request' };
  };
  if (event.requestContext?.http?.method !== 'POST') return reject(405, `method ${event.requestContext?.http?.method} is not POST`);
  if (bytes > MAX_BODY_BYTES) return reject(413, `body of ${bytes} bytes is over ${MAX_BODY_BYTES}`);
  const verdict = verifySlackSignature(headers, raw, await s.signingSecret.value());
  if (!verdict.ok) return reject(401, verdict.reason);

  let press;
  try {
    press = parseButtonPress(raw);
  } catch (error) {
    if (error instanceof PayloadError) return reject(400, `malformed payload: ${error.message}`);
    throw error;
  }
  try {
    // Slack's retries of one press (X-Slack-Retry-Num) queue it again: the review's conditional writes make that harmless.
    await s.enqueue({ type: 'login-review-answer', press, pressedAt: started });
  } catch (error) {
    // Slack shows the presser an error and they may press again: queueing twice is harmless.
    // Thrown on (without secrets) so the function's Errors metric and its alarm see it.
    const reason = s.redact((error as Error).message);
    logger.error('button press not queued', { alertId: press.alertId, answer: press.answer, reason });
    throw new Error(`button press not queued: ${reason}`);
  }
  logger.info('button press queued', { alertId: press.alertId, userId: press.userId, answer: press.answer, retryNum, ms: Date.now() - started });
  return { statusCode: 200, body: '' };
}
