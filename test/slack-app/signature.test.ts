import { verifySlackSignature } from '../../lambda/slack-app/slack-signature';
import { slackSignature } from '../support/slack-requests';

/**
 * Slack's v0 request signature, pinned to the worked example of Slack's "Verifying requests from
 * Slack" page (its secret, timestamp, body and signature): a digest this repository cannot make
 * agree with itself.
 */

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar'
  + '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands'
  + '%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const now = 1531420618;
const headers = (overrides: Record<string, string | undefined> = {}) => ({
  'x-slack-request-timestamp': String(now),
  'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  ...overrides,
});

test('Slack\'s own worked example verifies', () => {
  expect(verifySlackSignature(headers(), body, secret, now)).toEqual({ ok: true });
  expect(slackSignature(secret, now, body)).toBe(headers()['x-slack-signature']);
});

test.each([
  ['a changed body', headers(), `${body}&admin=1`, /signature does not match/],
  ['another secret', { 'x-slack-signature': slackSignature('another-secret-0123456789abcdef', now, body) }, body, /signature does not match/],
  ['a truncated signature', { 'x-slack-signature': 'v0=a2114d57' }, body, /signature does not match/],
  ['no signature', { 'x-slack-signature': undefined }, body, /unsigned/],
  ['no timestamp', { 'x-slack-request-timestamp': undefined }, body, /unsigned/],
  ['a timestamp that is not a number', { 'x-slack-request-timestamp': '1531420618.5' }, body, /not a number/],
])('refused: %s', (_what, overrides, text, reason) => {
  const verdict = verifySlackSignature(headers(overrides), text, secret, now);
  expect(verdict.ok).toBe(false);
  expect(!verdict.ok && verdict.reason).toMatch(reason);
});

test('a correctly signed request older or newer than five minutes is a replay', () => {
  const old = now - 301;
  const signed = { 'x-slack-request-timestamp': String(old), 'x-slack-signature': slackSignature(secret, old, body) };
  expect(verifySlackSignature(headers(signed), body, secret, now)).toEqual({ ok: false, reason: expect.stringMatching(/301 s from now .*stale or replayed/) });
  expect(verifySlackSignature(headers(signed), body, secret, old + 300)).toEqual({ ok: true });
  expect(verifySlackSignature(headers(signed), body, secret, old - 301).ok).toBe(false);
});
