import { receiveBodies } from '../support/estate';
import { invokeBundle } from '../support/invoke-bundle';
import { BOT_TOKEN, SIGNING_SECRET, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';
import { buttonPayload, type Press, signedRequest } from '../support/slack-requests';

/**
 * The Slack app's interaction endpoint (assets/slack-interaction) as its Function URL invokes it,
 * with requests signed here as Slack signs them: only Slack-signed, fresh requests are heard, and a
 * press that is heard is queued for the delivery function and answered at once, touching neither
 * Slack nor the ledger. What a press then does: review-loop-end-to-end.test.ts.
 */

let estate: SlackAppEstate;
beforeAll(async () => { estate = await startSlackAppEstate(); }, 60_000);
afterAll(async () => { await estate?.stop(); });
beforeEach(async () => {
  estate.slack.reset();
  await receiveBodies(estate.moto.endpoint, estate.reminderQueueUrl);
});

const ALICE = 'U0ALICE1';

async function send(events: unknown[], env: Record<string, string> = {}) {
  const run = await invokeBundle('slack-interaction', events, estate.interactionEnv(env), { timeoutMs: 10_000 });
  return { ...run, statuses: run.invocations.map((i) => (i.result as { statusCode: number } | undefined)?.statusCode ?? i.error?.message) };
}

const press = (p: Press, options = {}) => signedRequest(SIGNING_SECRET, buttonPayload(p), options);
const queued = async () => (await receiveBodies(estate.moto.endpoint, estate.reminderQueueUrl)).map((b) => JSON.parse(b));

test('only Slack-signed, fresh, well-formed POSTs are heard: forged, replayed, wrong-secret, unsigned, oversized and malformed requests are refused and queue nothing', async () => {
  const body = buttonPayload({ alertId: 'login-1', userId: ALICE, answer: 'dispute' });
  const old = Math.floor(Date.now() / 1000) - 6 * 60;
  const forged = press({ alertId: 'login-1', userId: ALICE, answer: 'confirm' });
  forged.body = body; // signed for a confirm, carrying a dispute
  const { statuses, logs } = await send([
    forged,
    signedRequest(SIGNING_SECRET, body, { timestamp: old }),
    signedRequest('0123456789abcdef0123456789abcdef', body),
    signedRequest(SIGNING_SECRET, body, { unsigned: true }),
    signedRequest(SIGNING_SECRET, `${body}&pad=${'x'.repeat(300 * 1024)}`),
    signedRequest(SIGNING_SECRET, 'payload=%7Bnot-json'),
    signedRequest(SIGNING_SECRET, `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: ALICE } }))}`),
    signedRequest(SIGNING_SECRET, body, { method: 'GET' }),
    signedRequest(SIGNING_SECRET, body, { headers: { 'x-slack-signature': 'v0=' } }),
  ]);
  expect(statuses).toEqual([401, 401, 401, 401, 413, 400, 400, 405, 401]);
  expect(logs).toContain('the signature does not match');
  expect(logs).toMatch(/the request timestamp is 3\d\d s from now \(more than 300\): stale or replayed/);
  expect(logs).toContain('unsigned: no X-Slack-Request-Timestamp or X-Slack-Signature header');
  // Each refusal is one "request rejected" line (what the rejected-requests alarm counts) and one metric.
  expect(logs.split('\n').filter((l) => l.includes('"message":"request rejected"'))).toHaveLength(9);
  expect(logs).toMatch(/"InteractionsRejected":1\b/);
  // The log says why, never what was sent or the secrets.
  for (const secret of [SIGNING_SECRET, BOT_TOKEN, 'login-1', 'trigger_id', 'hooks.slack.com']) expect(logs).not.toContain(secret);
  expect(await queued()).toEqual([]);
  expect(estate.slack.calls).toEqual([]);
});

test('a signed press is queued for the delivery function and answered 200 at once, with no Slack or ledger call (Slack slow or not)', async () => {
  estate.slack.delayMs = 2500;
  const pressedAfter = Date.now();
  const { statuses } = await send([
    press({ alertId: 'login-2', userId: ALICE, answer: 'dispute', channelId: 'D0ALICE1' }, { base64: true }),
    press({ alertId: 'login-2', userId: 'U0BOB123', answer: 'confirm' }, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
  ], {
    // Neither Slack nor the ledger is reachable from here: the endpoint must not need them.
    SLACK_API_URL: 'http://127.0.0.1:9/api/', LEDGER_TABLE_NAME: 'no-such-table',
  });
  expect(statuses).toEqual([200, 200]);
  const messages = await queued();
  expect(messages).toEqual([
    { type: 'login-review-answer', press: { answer: 'dispute', alertId: 'login-2', userId: ALICE, channelId: 'D0ALICE1' }, pressedAt: expect.any(Number) },
    { type: 'login-review-answer', press: { answer: 'confirm', alertId: 'login-2', userId: 'U0BOB123', channelId: 'C0SECURITY' }, pressedAt: expect.any(Number) },
  ]);
  expect(messages[0].pressedAt).toBeGreaterThanOrEqual(pressedAfter);
  expect(estate.slack.calls).toEqual([]);
});

test('a press that cannot be queued fails the request (Slack shows the presser an error; pressing again is safe), without secrets in the log', async () => {
  const { statuses, logs } = await send([press({ alertId: 'login-3', userId: ALICE, answer: 'dispute' })], {
    REMINDER_QUEUE_URL: `${estate.moto.endpoint}/123456789012/no-such-queue`,
  });
  expect(statuses[0]).toMatch(/^button press not queued: /);
  expect(logs).toContain('"message":"button press not queued"');
  expect(logs).not.toContain(SIGNING_SECRET);
});
