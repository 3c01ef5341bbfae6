import type { PagerDutyEvent } from './event';
import { type DeliveryOutcome, outcomeOfStatus } from '../shared/delivery';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Sends one event: 202 delivered; 400 permanent; 429, 5xx, network and timeout retried. */
export async function sendToPagerDuty(url: string, event: PagerDutyEvent, timeoutMs: number): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer from PagerDuty within ${timeoutMs} ms` : `request to PagerDuty failed: ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    return { kind: 'transient', reason };
  }
  const body = await response.text().catch(() => '');
  return outcomeOfStatus(response.status, body, response.headers.get('retry-after'));
}
