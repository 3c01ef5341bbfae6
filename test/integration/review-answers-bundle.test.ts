import type { Alert } from '../../lambda/shared/alert';
import { snsEvent, sshAlert } from '../support/alerts';
import { receiveBodies } from '../support/estate';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';
import { BOT_TOKEN, CHANNEL, queuedPresses, SIGNING_SECRET, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';
import { buttonPayload, type Press, signedRequest } from '../support/slack-requests';

/**
 * What a button press does, each hop a built bundle: the interaction endpoint (assets/slack-interaction)
 * checks the Slack signature and queues the press on the review queue (moto SQS); the delivery
 * function (assets/slack-app) takes it from there as the queue's event source hands it over: the
 * person or an approver confirms, anyone disputes, a dispute escalates once whatever repeats, and
 * every message says who pressed and what they are to the login.
 */

let estate: SlackAppEstate;
let n = 0;
beforeAll(async () => { estate = await startSlackAppEstate(); }, 60_000);
afterAll(async () => { await estate?.stop(); });
beforeEach(async () => {
  await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
});

const ALICE = 'U0ALICE1';
// Reminders far off: these tests are about answers.
const QUIET = { REMINDER_WAIT_SECONDS: '600' };

/** A login attributed to Alice, posted by the delivery function: channel message, DM, review open. */
async function postedLogin(overrides: Partial<Alert> = {}): Promise<Alert> {
  const alert = sshAlert({ id: `press-${++n}`, user: 'root', actor: { name: 'Alice Doe', slackUserId: ALICE, via: 'key-owner' }, ...overrides });
  const run = await invokeBundle('slack-app', [snsEvent(JSON.stringify(alert))], estate.env(QUIET), { timeoutMs: 60_000 });
  expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  estate.slack.reset();
  return alert;
}

/** Presses the buttons (signed as Slack signs), then lets the delivery function handle what was queued, in order. */
async function pressAll(alertId: string, presses: Array<ReturnType<typeof signedRequest>>, env: Record<string, string> = {}) {
  const records = await queuedPresses(estate, alertId, presses);
  const handled = await invokeBundle('slack-app', records.map((r) => ({ Records: [r] })), estate.env({ ...QUIET, ...env }), { timeoutMs: 60_000 });
  expect(handled.invocations.map((i) => i.error?.message ?? i.result)).toEqual(records.map(() => ({ batchItemFailures: [] })));
  return handled;
}

const press = (p: Press) => signedRequest(SIGNING_SECRET, buttonPayload(p));
const escalationsOnTopic = async () => (await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl))
  .map((b) => JSON.parse(JSON.parse(b).Message));
const ephemeralTexts = () => estate.slack.callsOf('chat.postEphemeral').map((c) => c.args.text);
const contextTexts = () => estate.slack.callsOf('chat.update').map((u) => JSON.stringify(u.args.attachments[0].blocks.filter((b: any) => b.type === 'context')));

test('"This was me" from the person: confirmed in the ledger, both messages redrawn with who and when, nothing escalated', async () => {
  const alert = await postedLogin();
  const { logs } = await pressAll(alert.id, [press({ alertId: alert.id, userId: ALICE, answer: 'confirm' })]);
  // Counted for the dashboard (embedded metric format in the log).
  expect(logs).toMatch(/"ReviewsConfirmed":1\b/);
  const item = await estate.store.get(alert.id);
  expect(item).toMatchObject({ status: 'confirmed', answeredBy: ALICE, answeredRole: 'asked' });
  const updates = estate.slack.callsOf('chat.update');
  expect(updates.map((u) => [u.args.channel, u.args.ts]).sort()).toEqual([[CHANNEL, item!.channel!.ts], ['D0ALICE1', item!.dm!.ts]].sort());
  for (const update of updates) {
    const blocks = update.args.attachments[0].blocks;
    expect(blocks.find((b: any) => b.type === 'actions')).toBeUndefined();
    expect(JSON.stringify(blocks)).toContain(`:white_check_mark: Confirmed by <@${ALICE}> (the person asked) <!date^`);
  }
  expect(estate.slack.calls.every((c) => c.token === BOT_TOKEN)).toBe(true);
  expect(await escalationsOnTopic()).toEqual([]);
});

test('"This was me" from a stranger: an ephemeral "only Alice or the approvers", the review stays open', async () => {
  const alert = await postedLogin();
  await pressAll(alert.id, [press({ alertId: alert.id, userId: 'U0MALLORY', answer: 'confirm' })]);
  expect(ephemeralTexts()).toEqual([`Only <@${ALICE}> or the approvers can confirm this login. If it was not them, press "This wasn't me".`]);
  expect(estate.slack.callsOf('chat.postEphemeral')[0].args).toMatchObject({ channel: CHANNEL, user: 'U0MALLORY' });
  expect(estate.slack.callsOf('chat.update')).toEqual([]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'open' });
});

test('approvers confirm on the person\'s behalf: by user id, or as members of the approver group', async () => {
  estate.slack.groups.set('S0SECOPS', ['U0GRACE1']);
  const env = { SLACK_APPROVERS: 'U0OSCAR1', SLACK_APPROVER_GROUP: 'S0SECOPS' };
  const [byId, byGroup] = [await postedLogin(), await postedLogin()];
  await pressAll(byId.id, [press({ alertId: byId.id, userId: 'U0OSCAR1', answer: 'confirm' })], env);
  await pressAll(byGroup.id, [press({ alertId: byGroup.id, userId: 'U0GRACE1', answer: 'confirm' })], env);
  expect(await estate.store.get(byId.id)).toMatchObject({ status: 'confirmed', answeredBy: 'U0OSCAR1', answeredRole: 'approver' });
  expect(await estate.store.get(byGroup.id)).toMatchObject({ status: 'confirmed', answeredBy: 'U0GRACE1', answeredRole: 'approver' });
  expect(estate.slack.callsOf('usergroups.users.list').map((c) => c.args.usergroup)).toEqual(['S0SECOPS']);
  expect(contextTexts().join()).toContain(':white_check_mark: Confirmed by <@U0GRACE1> (an approver)');
});

test('"This wasn\'t me" from a bystander escalates once, saying it was not the person asked: double clicks and Slack\'s retries publish nothing more', async () => {
  const alert = await postedLogin();
  const dispute = press({ alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' });
  const retry = signedRequest(SIGNING_SECRET, buttonPayload({ alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' }), { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
  await pressAll(alert.id, [dispute, dispute, retry]);

  const escalations = await escalationsOnTopic();
  expect(escalations).toHaveLength(1);
  expect(escalations[0]).toMatchObject({
    id: `escalation-disputed-${alert.id}`,
    kind: 'escalation',
    severity: 'critical',
    user: 'root',
    host: alert.host,
    sourceIp: alert.sourceIp,
    escalation: { loginAlertId: alert.id, reason: 'disputed', by: 'U0BOB123', byRole: 'other' },
  });
  expect(escalations[0].reasons[0]).toBe('escalated: Slack user U0BOB123, neither the person asked nor an approver, said it was not them');
  expect(alertSchemaErrors(escalations[0])).toEqual([]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed', answeredBy: 'U0BOB123', answeredRole: 'other', escalated: { disputed: escalations[0].id } });
  expect(estate.slack.callsOf('chat.update')).toHaveLength(2);
  for (const text of contextTexts()) expect(text).toContain(':rotating_light: Disputed by <@U0BOB123> (not the person asked)');
  expect(ephemeralTexts()).toEqual([
    '<@U0BOB123> (not the person asked) already said this was not them; it is escalated.',
    '<@U0BOB123> (not the person asked) already said this was not them; it is escalated.',
  ]);

  // A confirmation after the dispute changes nothing.
  await pressAll(alert.id, [press({ alertId: alert.id, userId: ALICE, answer: 'confirm' })]);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed' });
});

test('the person\'s own dispute says so, in the escalation and the messages', async () => {
  const alert = await postedLogin();
  await pressAll(alert.id, [press({ alertId: alert.id, userId: ALICE, answer: 'dispute', channelId: 'D0ALICE1' })]);
  const [escalation] = await escalationsOnTopic();
  expect(escalation.escalation).toEqual({ loginAlertId: alert.id, reason: 'disputed', by: ALICE, byRole: 'asked' });
  expect(escalation.reasons[0]).toBe(`escalated: the person asked (Slack user ${ALICE}) said it was not them`);
  for (const text of contextTexts()) expect(text).toContain(`:rotating_light: Disputed by <@${ALICE}> (the person asked)`);
});

test('the escalation claim (moto DynamoDB): one holder at a time, given back on a failed publish, taken over only when stale, gone once published', async () => {
  const alert = await postedLogin();
  const { store } = estate;
  const t = 1_800_000_000_000;
  const stale = (now: number) => now - 2 * 60_000;
  expect(await store.claimEscalation(alert.id, 'disputed', t, stale(t))).toBe(true);
  // Another container a second later: held.
  expect(await store.claimEscalation(alert.id, 'disputed', t + 1000, stale(t + 1000))).toBe(false);
  // The other reason is its own claim.
  expect(await store.claimEscalation(alert.id, 'unanswered', t + 1000, stale(t + 1000))).toBe(true);
  // Given back only by its holder.
  await store.releaseEscalation(alert.id, 'disputed', t + 1);
  expect(await store.claimEscalation(alert.id, 'disputed', t + 2000, stale(t + 2000))).toBe(false);
  await store.releaseEscalation(alert.id, 'disputed', t);
  expect(await store.claimEscalation(alert.id, 'disputed', t + 3000, stale(t + 3000))).toBe(true);
  // Its holder died: taken over after two minutes, not before.
  expect(await store.claimEscalation(alert.id, 'disputed', t + 3000 + 119_000, stale(t + 3000 + 119_000))).toBe(false);
  expect(await store.claimEscalation(alert.id, 'disputed', t + 3000 + 121_000, stale(t + 3000 + 121_000))).toBe(true);
  await store.markEscalated(alert.id, 'disputed', `escalation-disputed-${alert.id}`);
  expect(await store.get(alert.id)).toMatchObject({ escalated: { disputed: `escalation-disputed-${alert.id}` } });
  expect(await store.get(alert.id)).not.toHaveProperty('disputedClaimedAt');
  // Published: nobody claims it again, however stale.
  expect(await store.claimEscalation(alert.id, 'disputed', t + 10 * 60_000, t + 10 * 60_000)).toBe(false);
});
