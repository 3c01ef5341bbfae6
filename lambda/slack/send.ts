import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type IncomingWebhookSendArguments } from '@slack/webhook';
import { type DeliveryOutcome, outcomeOfStatus } from '../shared/delivery';

/**
 * Posts one message with `@slack/webhook`. The library retries nothing here (Lambda owns retries)
 * and its errors carry no headers, so the fetch it uses is wrapped to keep `Retry-After` for a 429.
 */
export async function postToSlack(url: string, payload: IncomingWebhookSendArguments, timeoutMs: number): Promise<DeliveryOutcome> {
  let retryAfter: string | null = null;
  const webhook = new IncomingWebhook(url, {
    timeout: timeoutMs,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      retryAfter = response.headers.get('retry-after');
      return response;
    },
  });
  try {
    await webhook.send(payload);
    return { kind: 'delivered' };
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) return outcomeOfStatus(error.statusCode, error.body, retryAfter);
    if (error instanceof IncomingWebhookRequestError) return { kind: 'transient', reason: describeRequestError(error.original) };
    throw error;
  }
}

/** Network failures without the URL (it is the secret): "fetch failed (ECONNREFUSED)", "timeout". */
function describeRequestError(original: Error): string {
  if (original.name === 'TimeoutError' || original.name === 'AbortError') return `no answer from Slack (${original.name})`;
  const code = (original.cause as { code?: string } | undefined)?.code;
  return `request to Slack failed: ${original.message.split('http')[0].trim()}${code ? ` (${code})` : ''}`;
}
