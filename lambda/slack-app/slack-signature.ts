import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>`
 * with the app's signing secret, in `X-Slack-Signature`. A request is accepted only when the
 * signature matches (compared in constant time) and the timestamp is within five minutes of now,
 * so a captured request cannot be replayed later.
 */

export const MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function verifySlackSignature(
  headers: Record<string, string | undefined>,
  rawBody: string,
  signingSecret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Verdict {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (!timestamp || !signature) return { ok: false, reason: 'unsigned: no X-Slack-Request-Timestamp or X-Slack-Signature header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'the request timestamp is not a number' };
  const skew = Math.abs(nowSeconds - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: `the request timestamp is ${skew} s from now (more than ${MAX_SKEW_SECONDS}): stale or replayed` };
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}
