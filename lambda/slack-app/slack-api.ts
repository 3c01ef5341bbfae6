import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { type DeliveryOutcome, deliverWithinBudget, type RetryBudget } from '../shared/delivery';

/**
 * The Slack Web API through `@slack/web-api`, on the delivery rules of the webhook destination:
 * the client retries nothing and rejects rate-limited calls (Lambda and the reminder queue own
 * retries), so a `ratelimited` answer is waited out here, within the invocation's time budget.
 */

export function slackClient(token: string, options: { apiUrl?: string; timeoutMs: number }): WebClient {
  return new WebClient(token, {
    ...(options.apiUrl && { slackApiUrl: options.apiUrl }),
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Its own log lines carry neither the token nor the body, but they are not ours to shape.
    logLevel: LogLevel.ERROR,
  });
}

/** A call's answer, or why it failed, classified as a delivery outcome. */
export type SlackResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Exclude<DeliveryOutcome, { kind: 'delivered' }>; readonly error: string };

/**
 * Slack's answers that a retry may cure; every other `error` (invalid_auth, channel_not_found,
 * not_in_channel, is_archived, missing_scope, invalid_blocks…) fails the same way every time.
 */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** Runs one Web API call, waiting out rate limits while the budget allows. */
export async function callSlack<T>(method: string, call: () => Promise<T>, budget: RetryBudget): Promise<SlackResult<T>> {
  let value: T | undefined;
  let error = '';
  const outcome = await deliverWithinBudget(async () => {
    try {
      value = await call();
      return { kind: 'delivered' };
    } catch (e) {
      const failure = classify(method, e);
      error = failure.error;
      return failure.outcome;
    }
  }, budget);
  return outcome.kind === 'delivered' ? { ok: true, value: value as T } : { ok: false, failure: outcome, error };
}

function classify(method: string, e: unknown): { outcome: Exclude<DeliveryOutcome, { kind: 'delivered' }>; error: string } {
  const err = e as { code?: string; data?: { error?: string; needed?: string }; retryAfter?: number; statusCode?: number; original?: Error };
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return { outcome: { kind: 'rate-limited', retryAfterMs: (err.retryAfter ?? 1) * 1000, reason: `Slack ${method}: ratelimited` }, error: 'ratelimited' };
    case ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      const reason = `Slack ${method}: ${code}${err.data?.needed ? ` (needs scope ${err.data.needed})` : ''}`;
      if (code === 'ratelimited') return { outcome: { kind: 'rate-limited', retryAfterMs: 1000, reason }, error: code };
      if (TRANSIENT_ERRORS.has(code)) return { outcome: { kind: 'transient', reason }, error: code };
      return { outcome: { kind: 'permanent', reason, statusCode: 200, body: JSON.stringify({ ok: false, error: code }) }, error: code };
    }
    case ErrorCode.HTTPError: {
      const status = err.statusCode ?? 0;
      const reason = `Slack ${method}: HTTP ${status}`;
      if (status >= 500 || status === 408) return { outcome: { kind: 'transient', reason }, error: `http_${status}` };
      return { outcome: { kind: 'permanent', reason, statusCode: status, body: '' }, error: `http_${status}` };
    }
    case ErrorCode.RequestError: {
      const original = err.original;
      const why = original?.name === 'TimeoutError' || original?.name === 'AbortError' ? 'no answer (timeout)' : `request failed (${(original?.cause as { code?: string } | undefined)?.code ?? original?.name ?? 'network'})`;
      return { outcome: { kind: 'transient', reason: `Slack ${method}: ${why}` }, error: 'request_error' };
    }
    default:
      throw e;
  }
}
