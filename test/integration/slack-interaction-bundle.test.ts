import type { Alert } from '../../lambda/shared/alert';
import { snsEvent, sshAlert } from '../support/alerts';
import { receiveBodies } from '../support/estate';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';
import { buttonPayload, type Press, signedRequest } from '../support/slack-requests';

/**
 * The Slack app's interaction function (assets/slack-interaction) as its Function URL invokes it,
 * with requests signed here as Slack signs them: only Slack-signed, fresh requests are heard; the
 * person or an approver confirms, anyone disputes, and a dispute escalates once, whatever repeats.
 */

let estate: SlackAppEstate;
let n = 0;
beforeAll(async () => { estate = await startSlackAppEstate(); }, 60_000);
afterAll(async () => { await estate?.stop(); });
beforeEach(async () => {
  await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
});

const ALICE = 'U0ALICE1';

/** A login attributed to Alice, posted by the delivery function: channel message, DM, review open. */
async function postedLogin(overrides: Partial<Alert> = {}): Promise<Alert> {
  const alert = sshAlert({ id: `press-${++n}`, user: 'root', actor: { name: 'Alice Doe', slackUserId: ALICE, via: 'key-owner' }, ...overrides });
  const run = await invokeBundle('slack-app', [snsEvent(JSON.stringify(alert))], estate.env(), { timeoutMs: 60_000 });
  expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  estate.slack.reset();
  return alert;
}

async function send(events: unknown[], env: Record<string, string> = {}) {
  const run = await invokeBundle('slack-interaction', events, estate.interactionEnv(env), { timeoutMs: 10_000 });
  return { ...run, statuses: run.invocations.map((i) => (i.result as { statusCode: number } | undefined)?.statusCode ?? i.error?.message) };
}

const press = (p: Press, options = {}) => signedRequest(SIGNING_SECRET, buttonPayload(p), options);
const escalationsOnTopic = async () => (await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl))
  .map((b) => JSON.parse(JSON.parse(b).Message));
const ephemeralTexts = () => estate.slack.callsOf('chat.postEphemeral').map((c) => c.args.text);

test('only Slack-signed, fresh, well-formed POSTs are heard: forged, replayed, wrong-secret, unsigned, oversized and malformed requests are refused and change nothing', async () => {
  const alert = await postedLogin();
  const body = buttonPayload({ alertId: alert.id, userId: ALICE, answer: 'dispute' });
  const old = Math.floor(Date.now() / 1000) - 6 * 60;
  const forged = press({ alertId: alert.id, userId: ALICE, answer: 'confirm' });
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
  // The log says why, never what was sent or the secrets.
  for (const secret of [SIGNING_SECRET, BOT_TOKEN, alert.id, 'trigger_id', 'hooks.slack.com']) expect(logs).not.toContain(secret);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'open' });
  expect(estate.slack.calls).toEqual([]);
  expect(await escalationsOnTopic()).toEqual([]);
});

test('"This was me" from the person: confirmed in the ledger, both messages redrawn with who and when, nothing escalated', async () => {
  const alert = await postedLogin();
  const { statuses, logs } = await send([press({ alertId: alert.id, userId: ALICE, answer: 'confirm' }, { base64: true })]);
  expect(statuses).toEqual([200]);
  // Counted for the dashboard (embedded metric format in the log).
  expect(logs).toMatch(/"ReviewsConfirmed":1\b/);
  const item = await estate.store.get(alert.id);
  expect(item).toMatchObject({ status: 'confirmed', answeredBy: ALICE });
  const updates = estate.slack.callsOf('chat.update');
  expect(updates.map((u) => [u.args.channel, u.args.ts]).sort()).toEqual([[CHANNEL, item!.channel!.ts], ['D0ALICE1', item!.dm!.ts]].sort());
  for (const update of updates) {
    const blocks = update.args.attachments[0].blocks;
    expect(blocks.find((b: any) => b.type === 'actions')).toBeUndefined();
    expect(JSON.stringify(blocks)).toContain(`:white_check_mark: Confirmed by <@${ALICE}> <!date^`);
  }
  expect(estate.slack.calls.every((c) => c.token === BOT_TOKEN)).toBe(true);
  expect(await escalationsOnTopic()).toEqual([]);
});

test('"This was me" from a stranger: an ephemeral "only Alice or the approvers", the review stays open', async () => {
  const alert = await postedLogin();
  const { statuses } = await send([press({ alertId: alert.id, userId: 'U0MALLORY', answer: 'confirm' })]);
  expect(statuses).toEqual([200]);
  expect(ephemeralTexts()).toEqual([`Only <@${ALICE}> or the approvers can confirm this login. If it was not them, press "This wasn't me".`]);
  expect(estate.slack.callsOf('chat.postEphemeral')[0].args).toMatchObject({ channel: CHANNEL, user: 'U0MALLORY' });
  expect(estate.slack.callsOf('chat.update')).toEqual([]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'open' });
});

test('approvers confirm on the person\'s behalf: by user id, or as members of the approver group', async () => {
  estate.slack.groups.set('S0SECOPS', ['U0GRACE1']);
  const env = { SLACK_APPROVERS: 'U0OSCAR1', SLACK_APPROVER_GROUP: 'S0SECOPS' };
  const [byId, byGroup] = [await postedLogin(), await postedLogin()];
  const { statuses } = await send([
    press({ alertId: byId.id, userId: 'U0OSCAR1', answer: 'confirm' }),
    press({ alertId: byGroup.id, userId: 'U0GRACE1', answer: 'confirm' }),
  ], env);
  expect(statuses).toEqual([200, 200]);
  expect(await estate.store.get(byId.id)).toMatchObject({ status: 'confirmed', answeredBy: 'U0OSCAR1' });
  expect(await estate.store.get(byGroup.id)).toMatchObject({ status: 'confirmed', answeredBy: 'U0GRACE1' });
  expect(estate.slack.callsOf('usergroups.users.list').map((c) => c.args.usergroup)).toEqual(['S0SECOPS']);
});

test('"This wasn\'t me" from anyone escalates at once, once: double clicks and Slack\'s retries publish nothing more', async () => {
  const alert = await postedLogin();
  const dispute = press({ alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' });
  const retry = press({ alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' }, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
  const { statuses } = await send([dispute, dispute, retry]);
  expect(statuses).toEqual([200, 200, 200]);

  const escalations = await escalationsOnTopic();
  expect(escalations).toHaveLength(1);
  expect(escalations[0]).toMatchObject({
    id: `escalation-disputed-${alert.id}`,
    kind: 'escalation',
    severity: 'critical',
    user: 'root',
    host: alert.host,
    sourceIp: alert.sourceIp,
    escalation: { loginAlertId: alert.id, reason: 'disputed', by: 'U0BOB123' },
  });
  expect(alertSchemaErrors(escalations[0])).toEqual([]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed', answeredBy: 'U0BOB123', escalated: { disputed: escalations[0].id } });
  expect(estate.slack.callsOf('chat.update')).toHaveLength(2);
  expect(ephemeralTexts()).toEqual(['<@U0BOB123> already said this was not them; it is escalated.', '<@U0BOB123> already said this was not them; it is escalated.']);

  // A confirmation after the dispute changes nothing.
  await send([press({ alertId: alert.id, userId: ALICE, answer: 'confirm' })]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed' });
});

test('a dispute whose escalation could not be published fails the request (Slack shows an error); pressing again publishes it', async () => {
  const alert = await postedLogin();
  const dispute = press({ alertId: alert.id, userId: ALICE, answer: 'dispute' });
  const broken = await send([dispute], { ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:no-such-topic' });
  expect(broken.statuses[0]).toMatch(/button press failed/);
  expect(broken.logs).not.toContain(BOT_TOKEN);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed' });
  expect((await estate.store.get(alert.id))!.escalated).toEqual({});

  expect((await send([dispute])).statuses).toEqual([200]);
  expect((await escalationsOnTopic()).map((e) => e.escalation)).toEqual([{ loginAlertId: alert.id, reason: 'disputed', by: ALICE }]);
});
