/**
 * What an HTTP delivery attempt came to, and the rule both destinations follow:
 * delivered; rate-limited (wait `Retry-After` if the function's time allows, else retry later);
 * transient (5xx, network, timeout: fail the invocation so Lambda retries it);
 * permanent (other 4xx: retrying cannot help, so straight to the dead-letter queue).
 */
export type DeliveryOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly reason: string }
  | { readonly kind: 'transient'; readonly reason: string }
  | { readonly kind: 'permanent'; readonly reason: string; readonly statusCode: number; readonly body: string };

/** Slack and PagerDuty both answer 429 with `Retry-After` in seconds; without it, wait a second. */
export function outcomeOfStatus(statusCode: number, body: string, retryAfter: string | null | undefined): DeliveryOutcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  const reason = `HTTP ${statusCode}: ${body.slice(0, 500)}`;
  if (statusCode === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(retryAfter), reason };
  if (statusCode >= 500 || statusCode === 408) return { kind: 'transient', reason };
  return { kind: 'permanent', reason, statusCode, body: body.slice(0, 2000) };
}

function retryAfterMs(header: string | null | undefined): number {
  const seconds = Number(header);
  if (header && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = header ? Date.parse(header) : NaN;
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

export interface RetryBudget {
  /** Milliseconds the invocation has left (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** What one attempt may take at most (the request timeout), kept in reserve after a wait. */
  readonly attemptMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Repeats an attempt while it is rate-limited and the wait plus one more attempt fit in the budget. */
export async function deliverWithinBudget(attempt: () => Promise<DeliveryOutcome>, budget: RetryBudget): Promise<DeliveryOutcome> {
  const sleep = budget.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    const outcome = await attempt();
    if (outcome.kind !== 'rate-limited') return outcome;
    if (outcome.retryAfterMs + budget.attemptMs + 1000 > budget.remainingMs()) return outcome;
    await sleep(outcome.retryAfterMs);
  }
}

/** Thrown so that Lambda's asynchronous retries take over (and then the on-failure destination). */
export class RetryableDeliveryError extends Error {
  constructor(destination: string, reason: string) {
    super(`${destination} delivery failed, will be retried: ${reason}`);
    this.name = 'RetryableDeliveryError';
  }
}
