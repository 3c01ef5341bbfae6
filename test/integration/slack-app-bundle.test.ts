import type { Alert } from '../../lambda/shared/alert';
import { reviewKey } from '../../lambda/slack-app/review-store';
import { alarmMessage, snsEvent, sshAlert } from '../support/alerts';
import { receiveBodies } from '../support/estate';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors as schemaErrors } from '../support/schema';
import { BOT_TOKEN, CHANNEL, nextSqsEvent, SIGNING_SECRET, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';

/**
 * The Slack app's delivery function (assets/slack-app) against a fake Slack Web API over HTTP and
 * moto's DynamoDB (the ledger), SNS (escalations), SQS (reminders, dead letters) and Secrets
 * Manager: what it posts where, what it keeps, and how it fails.
 */

let estate: SlackAppEstate;
let n = 0;
beforeAll(async () => { estate = await startSlackAppEstate(); }, 60_000);
afterAll(async () => { await estate?.stop(); });
beforeEach(async () => {
  estate.slack.reset();
  // Whatever an earlier test left on the queues is not this test's.
  await receiveBodies(estate.moto.endpoint, estate.reminderQueueUrl);
  await receiveBodies(estate.moto.endpoint, estate.deadLetterQueueUrl);
  await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
});

const alice = { name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE1', via: 'key-owner' as const };

function alertFor(overrides: Partial<Alert> = {}): Alert {
  return sshAlert({ id: `login-${++n}`, user: 'root', severity: 'medium', actor: alice, ...overrides });
}

async function deliver(alerts: Alert[], extraEnv: Record<string, string> = {}) {
  const run = await invokeBundle('slack-app', alerts.map((a) => snsEvent(JSON.stringify(a))), estate.env(extraEnv), { timeoutMs: 60_000 });
  return { ...run, errors: run.invocations.filter((i) => i.error).map((i) => i.error!.message) };
}

const posts = () => estate.slack.callsOf('chat.postMessage');
const blocksOf = (call: { args: Record<string, any> }) => call.args.attachments[0].blocks as any[];
const buttonsOf = (call: { args: Record<string, any> }) => blocksOf(call).filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const contextText = (call: { args: Record<string, any> }) => blocksOf(call).filter((b) => b.type === 'context').map((b) => b.elements[0].text).join('\n');

test('a login that asks for review: one channel post saying who was asked, one DM with the buttons, both kept in the ledger, a reminder queued', async () => {
  const alert = alertFor();
  const run = await deliver([alert]);
  expect(run.errors).toEqual([]);

  const [channelPost, dm] = posts();
  expect(posts()).toHaveLength(2);
  expect(channelPost.args.channel).toBe(CHANNEL);
  expect(channelPost.token).toBe(BOT_TOKEN);
  expect(contextText(channelPost)).toContain('Asked <@U0ALICE1> to confirm');
  expect(buttonsOf(channelPost).map((b: any) => [b.action_id, b.value, b.text.text])).toEqual([
    ['login_alert_confirm', alert.id, 'This was me'],
    ['login_alert_dispute', alert.id, "This wasn't me"],
  ]);
  expect(channelPost.args.metadata).toEqual({ event_type: 'login_alert', event_payload: { alert_id: alert.id } });
  expect(dm.args.channel).toBe('U0ALICE1');
  expect(dm.args.text).toMatch(/^Was this you\? /);
  expect(buttonsOf(dm)).toHaveLength(2);

  const item = await estate.store.get(alert.id);
  expect(item).toMatchObject({
    ...reviewKey(alert.id), status: 'open', channel: { id: CHANNEL }, dm: { id: 'D0ALICE1' }, asked: { userId: 'U0ALICE1' }, remindersSent: 0, reminderQueued: true,
  });
  expect(JSON.parse(item!.alert!)).toEqual(alert);

  const reminders = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10, (m) => m.reminder === 1);
  expect(reminders.Records.map((r) => JSON.parse(r.body))).toEqual([expect.objectContaining({ type: 'login-review-reminder', alertId: alert.id, reminder: 1 })]);
  // The deadline check is queued with it, two waits later: it escalates whatever happens to the reminders.
  const deadline = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10);
  expect(deadline.Records.map((r) => JSON.parse(r.body))).toEqual([expect.objectContaining({ alertId: alert.id, reminder: 3 })]);
  expect(JSON.parse(deadline.Records[0].body).dueAt - JSON.parse(reminders.Records[0].body).dueAt).toBe(2000);
});

test('the same alert delivered again (SNS or Lambda retrying) is never posted twice', async () => {
  const alert = alertFor();
  const run = await deliver([alert, alert, alert]);
  expect(run.errors).toEqual([]);
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL, 'U0ALICE1']);
});

test('no Slack id in the directory: the person is found by email; nobody found: no DM, and the channel says why', async () => {
  estate.slack.users.set('bob@example.com', 'U0BOB123');
  const found = alertFor({ actor: { name: 'Bob Roe', email: 'bob@example.com', via: 'directory' } });
  const lost = alertFor({ actor: { name: 'Carol Poe', email: 'carol@example.com', via: 'directory' } });
  const nobody = alertFor({ actor: undefined });
  expect((await deliver([found, lost, nobody])).errors).toEqual([]);

  expect(estate.slack.callsOf('users.lookupByEmail').map((c) => c.args.email)).toEqual(['bob@example.com', 'carol@example.com']);
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL, 'U0BOB123', CHANNEL, CHANNEL]);
  expect(contextText(posts()[2])).toContain('Nobody was asked (no Slack user has the email carol@example.com)');
  expect(contextText(posts()[3])).toContain('Nobody was asked (the login is not attributed to a person)');
  expect(await estate.store.get(lost.id)).toMatchObject({ status: 'open', asked: { reason: 'no Slack user has the email carol@example.com' } });
});

test('a planted Slack id (U1><!channel>) is never a mention or a DM: nobody is notified by it', async () => {
  const alert = alertFor({ actor: { name: 'Mallory', slackUserId: 'U1><!channel> look', via: 'directory' } });
  expect((await deliver([alert])).errors).toEqual([]);
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL]);
  expect(JSON.stringify(estate.slack.calls)).not.toContain('<!channel>');
  expect(contextText(posts()[0])).toContain('Nobody was asked (Mallory has no Slack user id or email in the people directory)');
});

test('a DM Slack refuses never stops the channel post: the channel message is redrawn to say so', async () => {
  estate.slack.fail('chat.postMessage', { error: 'cannot_dm_bot', channel: 'U0ALICE1' });
  const alert = alertFor();
  const run = await deliver([alert]);
  expect(run.errors).toEqual([]);

  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL, 'U0ALICE1']);
  const [update] = estate.slack.callsOf('chat.update');
  expect(update.args).toMatchObject({ channel: CHANNEL, ts: (await estate.store.get(alert.id))!.channel!.ts });
  expect(contextText(update)).toContain('no direct message: the direct message failed: cannot_dm_bot');
  expect(buttonsOf(update)).toHaveLength(2);
  expect(await receiveBodies(estate.moto.endpoint, estate.deadLetterQueueUrl)).toEqual([]);
});

test('a repeat is a reply in its first login\'s thread, without buttons; a login below the review severity is shown without them', async () => {
  const first = alertFor();
  const repeat = alertFor({ repeat: { of: first.id, count: 2 } });
  const low = alertFor({ severity: 'low' });
  expect((await deliver([first, repeat, low])).errors).toEqual([]);

  const firstTs = (await estate.store.get(first.id))!.channel!.ts;
  const [, , reply, lowPost] = posts();
  expect(reply.args).toMatchObject({ channel: CHANNEL, thread_ts: firstTs, reply_broadcast: 'false' });
  expect(buttonsOf(reply)).toEqual([]);
  expect(lowPost.args.thread_ts).toBeUndefined();
  expect(buttonsOf(lowPost)).toEqual([]);
  expect(await estate.store.get(repeat.id)).toMatchObject({ status: 'shown' });
});

test('rate limited: waits Retry-After within the time budget, then posts', async () => {
  estate.slack.fail('chat.postMessage', { retryAfterSeconds: 1, channel: CHANNEL });
  const run = await deliver([alertFor()]);
  expect(run.errors).toEqual([]);
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL, CHANNEL, 'U0ALICE1']);
});

test('rate limited past the budget: the invocation fails for Lambda to retry, and the retry posts it once', async () => {
  estate.slack.fail('chat.postMessage', { retryAfterSeconds: 30, channel: CHANNEL });
  const alert = alertFor();
  const run = await invokeBundle('slack-app', [snsEvent(JSON.stringify(alert))], estate.env(), { remainingTimesMs: [5_000], asyncRetries: 1 });
  expect(run.invocations[0]).toMatchObject({ attempts: 2, result: { delivered: 1 } });
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL, CHANNEL, 'U0ALICE1']);
});

test.each(['invalid_auth', 'channel_not_found', 'not_in_channel'])('Slack answers %s: dead-lettered with the reason, the token nowhere', async (error) => {
  estate.slack.fail('chat.postMessage', { error, channel: CHANNEL });
  const alert = alertFor();
  const run = await deliver([alert]);
  expect(run.errors).toEqual([]);
  const [letter] = (await receiveBodies(estate.moto.endpoint, estate.deadLetterQueueUrl)).map((b) => JSON.parse(b));
  expect(letter).toMatchObject({ destination: 'slackapp', reason: `Slack chat.postMessage: ${error}`, alertId: alert.id });
  for (const text of [JSON.stringify(letter), run.logs]) {
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain(SIGNING_SECRET);
  }
  // Nothing was posted, so the alert is free to be posted when the letter is replayed.
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'posting', claimedAt: 0 });
});

test('reminders: thread replies shown in the channel with the severity\'s mention, then an `unanswered` escalation on the topic', async () => {
  const alert = alertFor({ severity: 'high' });
  expect((await deliver([alert])).errors).toEqual([]);
  const itemTs = (await estate.store.get(alert.id))!.channel!.ts;
  estate.slack.reset();

  for (const reminder of [1, 2]) {
    const event = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10, (m) => m.reminder === reminder);
    expect(event.Records.map((r) => JSON.parse(r.body).reminder)).toEqual([reminder]);
    const run = await invokeBundle('slack-app', [event, event], estate.env());
    expect(run.invocations.map((i) => i.result)).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  }
  const replies = posts();
  expect(replies.map((c) => [c.args.thread_ts, c.args.reply_broadcast])).toEqual([[itemTs, 'true'], [itemTs, 'true']]);
  expect(replies[0].args.text).toBe('<!here> :hourglass: Reminder 1 of 2: <@U0ALICE1> has not confirmed this login yet.');
  expect(replies[1].args.text).toContain('Reminder 2 of 2');

  // The deadline check was queued with reminder 1, not by reminder 2.
  const last = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10);
  expect(last.Records.map((r) => JSON.parse(r.body).reminder)).toEqual([3]);
  const escalated = await invokeBundle('slack-app', [last, last], estate.env());
  expect(escalated.invocations.every((i) => !i.error)).toBe(true);
  expect(escalated.logs).toMatch(/"ReviewsUnanswered":1\b/);
  expect(escalated.logs).toMatch(/"Escalations":1\b/);

  const escalations = (await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl)).map((b) => JSON.parse(b));
  expect(escalations).toHaveLength(1);
  const escalation = JSON.parse(escalations[0].Message);
  expect(escalation).toMatchObject({
    id: `escalation-unanswered-${alert.id}`,
    kind: 'escalation',
    severity: 'critical',
    user: 'root',
    actor: alice,
    escalation: { loginAlertId: alert.id, reason: 'unanswered' },
  });
  expect(schemaErrors(escalation)).toEqual([]);
  expect(escalations[0].MessageAttributes).toMatchObject({ severity: { Value: 'critical' }, kind: { Value: 'escalation' } });
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'unanswered', remindersSent: 2, escalated: { unanswered: escalation.id } });
  const updates = estate.slack.callsOf('chat.update');
  expect(updates.map((c) => c.args.channel).sort()).toEqual([CHANNEL, 'D0ALICE1']);
  expect(contextText(updates[0])).toContain('Not confirmed after 2 reminder(s): escalated');
  // Nothing further is queued for it.
  expect((await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 2)).Records).toEqual([]);
}, 60_000);

test('a review answered before its reminder is due: the reminder sends nothing', async () => {
  const alert = alertFor();
  expect((await deliver([alert])).errors).toEqual([]);
  await estate.store.transition(alert.id, ['open'], 'confirmed', { answeredBy: 'U0ALICE1', answeredAt: new Date().toISOString() });
  estate.slack.reset();
  for (const reminder of [1, 3]) {
    const event = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10, (m) => m.reminder === reminder);
    const run = await invokeBundle('slack-app', [event], estate.env());
    expect(run.invocations[0].result).toEqual({ batchItemFailures: [] });
    expect(run.logs).toContain('"result":"answered"');
  }
  expect(estate.slack.calls).toEqual([]);
  expect((await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 2)).Records).toEqual([]);
});

test('direct messages off: no DM; the channel names who may confirm there', async () => {
  const alert = alertFor();
  expect((await deliver([alert], { DIRECT_MESSAGES: 'false' })).errors).toEqual([]);
  expect(posts().map((c) => c.args.channel)).toEqual([CHANNEL]);
  expect(contextText(posts()[0])).toContain('<@U0ALICE1> can confirm here (no direct message: direct messages are off)');
  expect(buttonsOf(posts()[0])).toHaveLength(2);
  expect(await estate.store.get(alert.id)).toMatchObject({ status: 'open', asked: { userId: 'U0ALICE1' }, dmDone: true });
});

test('a pipeline alarm is posted to the channel, without buttons', async () => {
  const run = await invokeBundle('slack-app', [snsEvent(alarmMessage('ALARM'))], estate.env({ ALARM_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:login-alerts' }));
  expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  expect(posts()).toHaveLength(1);
  expect(posts()[0].args.text).toMatch(/^<!here> Login alerting pipeline degraded: LoginAlerts-SlackDeadLetters/);
  expect(buttonsOf(posts()[0])).toEqual([]);
});
