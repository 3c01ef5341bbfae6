import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { answer, type AnswerDeps } from './answer';
import { PayloadError, parseButtonPress } from './payload';
import { verifySlackSignature } from './signature';
import { CachedSecret } from '../shared/cached-secret';
import { PipelineMetrics } from '../shared/metrics';
import { checkSigningSecret } from '../shared/secret-shapes';
import { slackAppRuntime, type SlackAppRuntime } from '../slack-app/runtime';
import { callSlack } from '../slack-app/slack-api';

/**
 * The Slack app's interaction endpoint: the buttons' answers. It sits behind a Lambda Function URL
 * (auth NONE: Slack cannot sign AWS requests; the Slack signature is the authentication) rather
 * than an API Gateway HTTP API: Slack needs one POST route and the raw body for the signature,
 * which a Function URL gives as-is, with no second service to deploy, pay for or secure.
 *
 * Every request is checked before anything is read from it: POST only, at most 256 KiB, a valid
 * Slack v0 signature with a fresh timestamp (`signature.ts`). A rejected request gets its status and
 * a log line with the reason and size, never the body. It answers well within Slack's 3 seconds:
 * a few DynamoDB and Slack calls with a short timeout.
 */

export const MAX_BODY_BYTES = 256 * 1024;
/** What the work may take, leaving Slack's three seconds room for the round trip and a cold start. */
const BUDGET_MS = 2500;

const logger = new Logger({ serviceName: 'cdk-login-alerts-slack-interaction' });
// The same `service` as the delivery function's: one set of review metrics for the dashboard.
const metrics = new PipelineMetrics('slackapp');
let state: { runtime: SlackAppRuntime; signingSecret: CachedSecret; groupMembers?: { users: string[]; until: number } } | undefined;

function init() {
  if (!state) {
    let signingSecret: CachedSecret | undefined;
    const runtime = slackAppRuntime(process.env, () => signingSecret?.knownValues() ?? []);
    const location = runtime.config.signingSecret;
    if (!location) throw new Error('SLACK_SIGNING_SECRET_ARN is not set');
    signingSecret = new CachedSecret(runtime.secrets, location.arn, location.field, checkSigningSecret);
    state = { runtime, signingSecret };
  }
  return state;
}

export async function handler(event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<LambdaFunctionURLResult> {
  try {
    return await handle(event, context);
  } finally {
    metrics.flush();
  }
}

async function handle(event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<LambdaFunctionURLResult> {
  const started = Date.now();
  const s = init();
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const retryNum = headers['x-slack-retry-num'];
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
  const bytes = Buffer.byteLength(raw);
  const reject = (statusCode: number, reason: string): LambdaFunctionURLResult => {
    logger.warn('request rejected', { statusCode, reason, bodyBytes: bytes, sourceIp: event.requestContext?.http?.sourceIp, retryNum });
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
  const remainingMs = () => Math.min(context?.getRemainingTimeInMillis() ?? BUDGET_MS, BUDGET_MS - (Date.now() - started));
  const deps: AnswerDeps = { ...s.runtime.deps(logger, remainingMs, metrics), approverGroupMembers: () => approverGroupMembers(s, deps) };
  try {
    const result = await answer(press, deps);
    logger.info('button answered', { alertId: press.alertId, userId: press.userId, answer: press.answer, result, retryNum, ms: Date.now() - started });
    return { statusCode: 200, body: '' };
  } catch (error) {
    // Slack shows the presser an error and they may press again: every step is safe to repeat.
    // Thrown on (without secrets) so the function's Errors metric and its alarm see it.
    const reason = s.runtime.redact((error as Error).message);
    logger.error('button press failed', { alertId: press.alertId, answer: press.answer, reason });
    throw new Error(`button press failed: ${reason}`);
  }
}

/** The approver group's members (usergroups.users.list, scope `usergroups:read`), cached five minutes. */
async function approverGroupMembers(s: NonNullable<typeof state>, deps: AnswerDeps): Promise<string[]> {
  const group = s.runtime.config.review.approverGroup;
  if (!group) return [];
  if (s.groupMembers && s.groupMembers.until > Date.now()) return s.groupMembers.users;
  const client = await deps.slack();
  const listed = await callSlack('usergroups.users.list', () => client.usergroups.users.list({ usergroup: group }), deps.budget);
  if (!listed.ok) {
    deps.logger.error('could not read the approver group', { group, reason: listed.failure.reason });
    return [];
  }
  s.groupMembers = { users: listed.value.users ?? [], until: Date.now() + 5 * 60_000 };
  return s.groupMembers.users;
}
