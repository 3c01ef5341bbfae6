import { type ButtonPress, CONFIRM_ACTION, DISPUTE_ACTION } from './review-queue';
import { isObject, nonEmptyString } from '../shared/values';

export type { ButtonPress };

export class PayloadError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PayloadError';
  }
}

/**
 * A button press, from Slack's `block_actions` payload (form field `payload`, JSON). Only what the
 * review needs is read; anything else about the request is ignored.
 */
export function parseButtonPress(rawBody: string): ButtonPress {
  const payload = new URLSearchParams(rawBody).get('payload');
  if (payload === null) throw new PayloadError('no payload form field');
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new PayloadError('the payload is not JSON');
  }
  if (!isObject(body) || body.type !== 'block_actions') throw new PayloadError(`not a block_actions payload (${isObject(body) ? String(body.type) : typeof body})`);
  const userId = isObject(body.user) ? nonEmptyString(body.user.id) : undefined;
  const action = Array.isArray(body.actions) && isObject(body.actions[0]) ? body.actions[0] : undefined;
  const alertId = nonEmptyString(action?.value);
  const answer = action?.action_id === CONFIRM_ACTION ? 'confirm' : action?.action_id === DISPUTE_ACTION ? 'dispute' : undefined;
  if (!userId) throw new PayloadError('the payload names no user');
  if (!answer || !alertId) throw new PayloadError(`not a login review button (${String(action?.action_id)})`);
  const channelId = isObject(body.channel) ? nonEmptyString(body.channel.id)
    : isObject(body.container) ? nonEmptyString(body.container.channel_id) : undefined;
  return { answer, alertId, userId, channelId };
}
