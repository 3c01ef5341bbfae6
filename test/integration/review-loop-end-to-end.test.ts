import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Alert } from '../../lambda/shared/alert';
import { postAlert } from '../../lambda/slack-app/post-alert';
import { handleReviewQueue, type ReviewQueueDeps } from '../../lambda/slack-app/review-queue-handler';
import { slackAppRuntime } from '../../lambda/slack-app/runtime';
import { AlertDestination, LoginAlerts, PagerDutyRoutingKey, SlackBotToken, SlackSigningSecret } from '../../src';
import { snsEvent, sshAlert } from '../support/alerts';
import { AwsCallCounter } from '../support/aws-call-counter';
import { awsConfig, createQueue, createSecret, lambdaEventFromNotification, pagerDutyFilterPolicy, receiveBodies } from '../support/estate';
import type { SlackCall } from '../support/fake-slack';
import { logsDelivery } from '../support/fixtures';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { CHANNEL, nextSqsEvent, queuedPresses, SIGNING_SECRET, slackAppFilterPolicy, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';
import { buttonPayload, type Press, signedRequest } from '../support/slack-requests';
import { VirtualReviewQueue } from '../support/virtual-review-queue';

/**
 * The whole review loop, each hop a real bundle and a real API call: an SSH login becomes an alert
 * (ingest, with the people directory in moto's Parameter Store), the topic hands it to the Slack
 * app through the filter policy the construct synthesizes, the app posts to the channel and DMs
 * Alice (fake Slack Web API), a "This wasn't me" request signed as Slack signs it reaches the
 * interaction function, which records the dispute in the ledger (moto DynamoDB) and publishes an
 * escalation to the topic (moto SNS); PagerDuty's filter policy lets it through and the PagerDuty
 * function triggers an incident (local receiver); the Slack app shows it in the login's thread.
 */

let estate: SlackAppEstate;
let pagerDuty: HttpReceiver;
beforeAll(async () => {
  estate = await startSlackAppEstate();
  pagerDuty = await HttpReceiver.start({ status: 202, body: '{"status":"success"}', headers: { 'content-type': 'application/json' } });
}, 60_000);
afterAll(async () => {
  await pagerDuty?.stop();
  await estate?.stop();
});

test('ingest → topic → Slack app (channel + DM) → "This wasn\'t me" → ledger → escalation → PagerDuty', async () => {
  const { moto, slack, topicArn } = estate;
  const sns = new SNSClient(awsConfig(moto.endpoint));
  const subscribeQueue = async (name: string, filterPolicy: string) => {
    const queue = await createQueue(moto.endpoint, name);
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { FilterPolicy: filterPolicy } }));
    return queue.url;
  };
  const slackAppQueue = await subscribeQueue('slack-app-filtered', slackAppFilterPolicy());
  const pagerDutyQueue = await subscribeQueue('pagerduty-filtered', pagerDutyFilterPolicy());
  await new SSMClient(awsConfig(moto.endpoint)).send(new PutParameterCommand({
    Name: '/login-alerts/people',
    Type: 'String',
    Value: JSON.stringify({ people: [{ name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE1', keyFingerprints: ['SHA256:aliceKey'] }] }),
  }));

  // 1. Alice's key logs in as root: the ingest function publishes the alert, attributed to her.
  const line = 'Nov 21 09:15:02 web-1 sshd[1]: Accepted publickey for root from 192.0.2.5 port 50022 ssh2: ED25519 SHA256:aliceKey';
  const ingest = await invokeBundle('ingest', [logsDelivery([line])], {
    AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false', PEOPLE_DIRECTORY: 'ssm:/login-alerts/people',
  });
  expect(ingest.invocations[0].error).toBeUndefined();
  const [loginNotification] = await receiveBodies(moto.endpoint, slackAppQueue);
  const login = JSON.parse(JSON.parse(loginNotification).Message);
  expect(login).toMatchObject({ kind: 'ssh', user: 'root', severity: 'medium', actor: { name: 'Alice Doe', slackUserId: 'U0ALICE1', via: 'key-owner' } });
  expect(await receiveBodies(moto.endpoint, pagerDutyQueue)).toEqual([]);

  // 2. The Slack app posts it to the channel and asks Alice directly.
  const posted = await invokeBundle('slack-app', [lambdaEventFromNotification(loginNotification)], estate.env(), { timeoutMs: 60_000 });
  expect(posted.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  expect(slack.callsOf('chat.postMessage').map((c) => c.args.channel)).toEqual([CHANNEL, 'U0ALICE1']);

  // 3. Alice: "This wasn't me".
  const request = signedRequest(SIGNING_SECRET, buttonPayload({ alertId: login.id, userId: 'U0ALICE1', answer: 'dispute', channelId: 'D0ALICE1' }), { base64: true });
  const pressed = await invokeBundle('slack-interaction', [request], estate.interactionEnv(), { timeoutMs: 10_000 });
  expect(pressed.invocations[0].result).toEqual({ statusCode: 200, body: '' });
  // The endpoint queued the press; the delivery function takes it from the review queue.
  const queued = await nextSqsEvent(moto.endpoint, estate.reminderQueueUrl, login.id, 10, (m) => m.type === 'login-review-answer');
  const answered = await invokeBundle('slack-app', [queued], estate.env(), { timeoutMs: 60_000 });
  expect(answered.invocations[0].result).toEqual({ batchItemFailures: [] });
  expect(await estate.store.get(login.id)).toMatchObject({ status: 'disputed', answeredBy: 'U0ALICE1', escalated: { disputed: `escalation-disputed-${login.id}` } });
  expect(slack.callsOf('chat.update').map((c) => c.args.channel).sort()).toEqual([CHANNEL, 'D0ALICE1']);

  // 4. The escalation reaches PagerDuty through its default filter (high and above)...
  const [escalationNotification] = await receiveBodies(moto.endpoint, pagerDutyQueue);
  const pdSecret = await createSecret(moto.endpoint, 'pagerduty', 'e93facc04764012d7bfb002500d5d1a6');
  const paged = await invokeBundle('pagerduty', [lambdaEventFromNotification(escalationNotification)], {
    AWS_ENDPOINT_URL: moto.endpoint,
    PAGERDUTY_ROUTING_KEY_SECRET_ARN: pdSecret,
    PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
    DEAD_LETTER_QUEUE_URL: estate.deadLetterQueueUrl,
  }, { timeoutMs: 60_000 });
  expect(paged.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  expect(pagerDuty.requests).toHaveLength(1);
  expect(pagerDuty.requests[0].json).toMatchObject({
    event_action: 'trigger',
    dedup_key: `escalation-disputed-${login.id}`,
    payload: { severity: 'critical', custom_details: { kind: 'escalation', escalation: { loginAlertId: login.id, reason: 'disputed', by: 'U0ALICE1', byRole: 'asked' } } },
  });

  // 5. ...and the Slack app shows it in the login's thread, with the critical mention, asking nobody.
  slack.reset();
  const [appEscalation] = await receiveBodies(moto.endpoint, slackAppQueue);
  const shown = await invokeBundle('slack-app', [lambdaEventFromNotification(appEscalation)], estate.env(), { timeoutMs: 60_000 });
  expect(shown.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  const [reply] = slack.callsOf('chat.postMessage');
  expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
  expect(reply.args).toMatchObject({ channel: CHANNEL, thread_ts: (await estate.store.get(login.id))!.channel!.ts, reply_broadcast: 'true' });
  expect(reply.args.text).toMatch(/^<!channel> Escalated \(disputed\): /);
  expect(JSON.stringify(reply.args.attachments)).not.toContain('login_alert_confirm');
}, 120_000);

// ---------------------------------------------------------------------------------------------
// Races, outages and a slow Slack: the same bundles, driven harder.
// ---------------------------------------------------------------------------------------------

let login = 0;
const QUIET = { REMINDER_WAIT_SECONDS: '600' };

/** A login attributed to Alice, posted by the delivery function with `env`: channel message, DM, review open. */
async function postedLogin(env: Record<string, string> = {}, overrides: Partial<Alert> = {}): Promise<Alert> {
  const alert = sshAlert({ id: `e2e-${++login}`, user: 'root', actor: { name: 'Alice Doe', slackUserId: 'U0ALICE1', via: 'key-owner' }, ...overrides });
  const run = await invokeBundle('slack-app', [snsEvent(JSON.stringify(alert))], estate.env({ ...QUIET, ...env }), { timeoutMs: 60_000 });
  expect(run.invocations[0].result).toEqual({ delivered: 1, deadLettered: 0 });
  estate.slack.reset();
  return alert;
}

/** Presses through the endpoint; the queued presses as SQS records. */
const pressThrough = (alertId: string, presses: Press[]) =>
  queuedPresses(estate, alertId, presses.map((p) => signedRequest(SIGNING_SECRET, buttonPayload(p))));
const onTopic = async () => (await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl)).map((b) => JSON.parse(JSON.parse(b).Message));
const contextLines = (calls: SlackCall[]) => calls.map((u) => u.args.attachments[0].blocks.filter((b: any) => b.type === 'context').map((b: any) => b.elements[0].text).join('\n'));

describe('under races, outages and a slow Slack', () => {
  let proxy: AwsCallCounter;
  beforeAll(async () => { proxy = await AwsCallCounter.start(estate.moto.endpoint); });
  afterAll(async () => { await proxy?.stop(); });
  beforeEach(async () => {
    proxy.reset();
    estate.slack.reset();
    await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
  });

  test('four "This wasn\'t me" presses handled at once in four containers (DM, channel, double clicks): exactly one escalation is published', async () => {
    const alert = await postedLogin();
    const records = await pressThrough(alert.id, [
      { alertId: alert.id, userId: 'U0ALICE1', answer: 'dispute', channelId: 'D0ALICE1' },
      { alertId: alert.id, userId: 'U0ALICE1', answer: 'dispute', channelId: 'D0ALICE1' },
      { alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' },
      { alertId: alert.id, userId: 'U0BOB123', answer: 'dispute' },
    ]);
    // DynamoDB serializes conditional writes (the proxy, as the real one does); a slow publish
    // widens the window between "not escalated yet" and "escalated" that racing containers share.
    proxy.serializeDynamoDb = true;
    proxy.slowActions.set('PublishBatch', 1500);
    const startAt = Date.now() + 3000;
    const env = estate.env({ ...QUIET, AWS_ENDPOINT_URL: proxy.endpoint });
    const runs = await Promise.all(records.map((record) => invokeBundle('slack-app', [{ Records: [record] }], env, { timeoutMs: 60_000, startAt })));
    expect(runs.map((r) => r.invocations[0].error?.message ?? r.invocations[0].result)).toEqual(records.map(() => ({ batchItemFailures: [] })));

    expect(proxy.count('PublishBatch')).toBe(1);
    const escalations = await onTopic();
    expect(escalations.map((e) => e.id)).toEqual([`escalation-disputed-${alert.id}`]);
    const item = await estate.store.get(alert.id);
    // Whoever won the dispute is who the escalation names, with what they are to the login.
    expect(escalations[0].escalation).toEqual({ loginAlertId: alert.id, reason: 'disputed', by: item!.answeredBy, byRole: item!.answeredBy === 'U0ALICE1' ? 'asked' : 'other' });
    expect(item).toMatchObject({ status: 'disputed', escalated: { disputed: escalations[0].id } });
    expect(item).not.toHaveProperty('disputedClaimedAt');
  }, 120_000);

  test('a dispute whose publish fails: nobody is told "escalated", the messages say it is not published yet, and it is retried by itself until it is', async () => {
    const alert = await postedLogin();
    const [record] = await pressThrough(alert.id, [{ alertId: alert.id, userId: 'U0ALICE1', answer: 'dispute', channelId: 'D0ALICE1' }]);
    const env = estate.env({ ...QUIET, AWS_ENDPOINT_URL: proxy.endpoint });
    // SNS fails every publish (an outage; a topic policy or key mistake fails alike) until it is mended.
    proxy.failing.add('PublishBatch');
    const first = await invokeBundle('slack-app', [{ Records: [record] }], env, { timeoutMs: 60_000 });
    // Handled, not failed back to SQS: the retry is its own message, so the queue's redrive never ends it.
    expect(first.invocations[0].result).toEqual({ batchItemFailures: [] });
    expect(first.logs).toContain('"message":"escalation not published yet, retrying"');
    expect(first.logs).toMatch(/"EscalationsFailed":1\b/);
    expect(await onTopic()).toEqual([]);
    expect(await estate.store.get(alert.id)).toMatchObject({ status: 'disputed', escalated: {} });
    expect(contextLines(estate.slack.callsOf('chat.update'))).toEqual([
      expect.stringContaining(':rotating_light: Disputed by <@U0ALICE1> (the person asked)'),
      expect.stringContaining(':rotating_light: Disputed by <@U0ALICE1> (the person asked)'),
    ]);
    for (const line of contextLines(estate.slack.callsOf('chat.update'))) expect(line).toMatch(/: escalating \(not published yet, retrying\)$/);

    // A later "This was me" is told the truth: not "it is escalated".
    estate.slack.reset();
    const [confirm] = await pressThrough(alert.id, [{ alertId: alert.id, userId: 'U0ALICE1', answer: 'confirm', channelId: 'D0ALICE1' }]);
    await invokeBundle('slack-app', [{ Records: [confirm] }], env, { timeoutMs: 60_000 });
    expect(estate.slack.callsOf('chat.postEphemeral').map((c) => c.args.text)).toEqual([
      '<@U0ALICE1> (the person asked) already said this was not them; its escalation is being published.',
    ]);

    // The queued retries: the first is refused again; the topic is mended; the next publishes, and the messages are redrawn.
    const outcomes = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt === 2) proxy.failing.delete('PublishBatch');
      estate.slack.reset();
      const retry = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 15, (m) => m.type === 'login-review-sync');
      expect(retry.Records.map((r) => JSON.parse(r.body))).toEqual([expect.objectContaining({ attempt, reason: 'disputed' })]);
      const run = await invokeBundle('slack-app', [retry], env, { timeoutMs: 60_000 });
      outcomes.push(/"result":"(\w+)"/.exec(run.logs)?.[1]);
    }
    expect(outcomes).toEqual(['retrying', 'settled']);
    expect((await onTopic()).map((e) => e.id)).toEqual([`escalation-disputed-${alert.id}`]);
    for (const line of contextLines(estate.slack.callsOf('chat.update'))) expect(line).toMatch(/\(the person asked\) <!date\^\d+\^[^>]+>: escalated$/);
    expect((await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 3, (m) => m.type === 'login-review-sync')).Records).toEqual([]);
  }, 120_000);

  test('Slack answering after 2.5 s: the endpoint never waits on it (no Slack call), and the delivery function still records, escalates and redraws', async () => {
    const alert = await postedLogin();
    estate.slack.delayMs = 2500;
    const records = await pressThrough(alert.id, [{ alertId: alert.id, userId: 'U0MALLORY1', answer: 'dispute' }]);
    // The endpoint made no Slack call: what it answers cannot wait on Slack (its timing: the bench).
    expect(estate.slack.calls).toEqual([]);
    const run = await invokeBundle('slack-app', [{ Records: records }], estate.env({ ...QUIET, SLACK_TIMEOUT_MS: '5000' }), { timeoutMs: 60_000 });
    expect(run.invocations[0].result).toEqual({ batchItemFailures: [] });
    expect((await onTopic()).map((e) => e.escalation)).toEqual([{ loginAlertId: alert.id, reason: 'disputed', by: 'U0MALLORY1', byRole: 'other' }]);
    expect(estate.slack.callsOf('chat.update')).toHaveLength(2);
  }, 60_000);

  test('a PagerDuty destination filtered on an instance tag gets the escalation of a login it routes, with the same tag attributes', async () => {
    const { moto, topicArn } = estate;
    const { pagerDutyPolicy, slackAppRouting } = routedDeployment();
    expect(slackAppRouting).toBe('Team');
    const queue = await createQueue(moto.endpoint, `pagerduty-payments-${login}`);
    await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { FilterPolicy: pagerDutyPolicy } }));
    // Env as synthesized: ROUTING_TAG_KEYS comes from the template, not from this test.
    const env = { ...QUIET, ROUTING_TAG_KEYS: slackAppRouting };
    const payments = await postedLogin(env, { host: { ...sshAlert().host!, tags: { Team: 'payments' } } });
    const web = await postedLogin(env, { host: { ...sshAlert().host!, tags: { Team: 'web' } } });
    for (const alert of [payments, web]) {
      const records = await pressThrough(alert.id, [{ alertId: alert.id, userId: 'U0ALICE1', answer: 'dispute' }]);
      await invokeBundle('slack-app', [{ Records: records }], estate.env(env), { timeoutMs: 60_000 });
    }
    const paged = (await receiveBodies(moto.endpoint, queue.url)).map((b) => JSON.parse(b));
    expect(paged.map((n) => JSON.parse(n.Message).id)).toEqual([`escalation-disputed-${payments.id}`]);
    expect(paged[0].MessageAttributes['tag.Team']).toEqual({ Type: 'String', Value: 'payments' });
  }, 60_000);
});

/** A deployment with routingTagKeys ['Team'], a Slack app and a PagerDuty destination for Team=payments only. */
function routedDeployment() {
  const stack = new Stack(new App(), 'Routed', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'secrets');
  new LoginAlerts(stack, 'LoginAlerts', {
    routingTagKeys: ['Team'],
    destinations: [
      AlertDestination.slackApp({ botToken: SlackBotToken.fromSecret(secret, 'botToken'), signingSecret: SlackSigningSecret.fromSecret(secret, 'signingSecret'), channel: CHANNEL }),
      AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secret), instanceTagFilters: [{ key: 'Team', values: ['payments'] }] }),
    ],
  });
  const template = Template.fromStack(stack);
  const [subscription] = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('PagerDuty'), 'Arn'] } } }));
  const slackAppFunction = { Description: Match.stringLikeRegexp('posts login alerts with a Slack app') };
  const [slackApp] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: slackAppFunction }));
  return {
    pagerDutyPolicy: JSON.stringify(subscription.Properties.FilterPolicy),
    slackAppRouting: slackApp.Properties.Environment.Variables.ROUTING_TAG_KEYS as string,
  };
}

// ---------------------------------------------------------------------------------------------
// A Slack outage of half an hour and more, on a virtual clock: the delivery function's own code
// (posting, the review queue handler) with moto's ledger, topic and secrets and the fake Slack,
// and the review queue in virtual time (test/support/virtual-review-queue.ts, which says why).
// ---------------------------------------------------------------------------------------------

describe('a Slack outage, on a virtual clock', () => {
  const MINUTE = 60_000;
  const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
  const saved = { ...process.env };
  beforeAll(() => {
    // The SDK clients of the in-process runtime find moto as the bundles do.
    Object.assign(process.env, { AWS_ENDPOINT_URL: estate.moto.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  });
  afterAll(() => { process.env = saved; });
  beforeEach(async () => {
    estate.slack.reset();
    await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
  });

  /** The delivery function's code with production's waits: 15 minutes, 2 reminders, retries from 30 s. */
  function deliveryFunction() {
    const queue = new VirtualReviewQueue(T0);
    const runtime = slackAppRuntime(estate.env({ REMINDER_WAIT_SECONDS: '900', REMINDERS: '2', REVIEW_RETRY_SECONDS: '30' }));
    const logger = new Logger({ serviceName: 'outage-test', logLevel: 'SILENT' });
    const deps: ReviewQueueDeps = {
      ...runtime.deps(logger, () => 60_000),
      now: () => queue.now,
      enqueue: queue.send,
      deadLetter: async () => { throw new Error('nothing should be dead-lettered'); },
      approverGroupMembers: async () => [],
      redact: runtime.redact,
    };
    const runUntil = (minute: number) => queue.runUntil(T0 + minute * MINUTE, (records) => handleReviewQueue(records, deps));
    return { queue, deps, runUntil };
  }

  const reminderPosts = () => estate.slack.callsOf('chat.postMessage').filter((c) => /:hourglass: Reminder/.test(c.args.text ?? ''));

  test('Slack down from minute 10 to 40: both reminders are posted once it is back, and the review still escalates as unanswered at minute 45', async () => {
    const { queue, deps, runUntil } = deliveryFunction();
    const alert = sshAlert({ id: `outage-${++login}`, user: 'root', actor: { name: 'Alice Doe', slackUserId: 'U0ALICE1', via: 'key-owner' } });
    expect(await postAlert(alert, deps)).toEqual({ kind: 'delivered' });

    await runUntil(10);
    estate.slack.down = true;
    await runUntil(40);
    // Reminders 1 (minute 15) and 2 (minute 30) were tried again and again, and refused.
    expect(estate.slack.calls.filter((c) => c.refused && c.method === 'chat.postMessage').length).toBeGreaterThanOrEqual(10);
    expect(reminderPosts()).toEqual([]);
    expect(await estate.store.get(alert.id)).toMatchObject({ status: 'open', remindersSent: 0 });

    estate.slack.down = false;
    await runUntil(44);
    expect(reminderPosts().map((c) => c.args.text)).toEqual([
      ':hourglass: Reminder 1 of 2: <@U0ALICE1> has not confirmed this login yet.',
      ':hourglass: Reminder 2 of 2: <@U0ALICE1> has not confirmed this login yet. Unanswered, it is escalated at the next check.',
    ]);
    expect(await onTopic()).toEqual([]);

    await runUntil(46);
    const escalations = await onTopic();
    expect(escalations.map((e) => [e.id, e.escalation])).toEqual([[`escalation-unanswered-${alert.id}`, { loginAlertId: alert.id, reason: 'unanswered' }]]);
    expect(await estate.store.get(alert.id)).toMatchObject({ status: 'unanswered', remindersSent: 2, escalated: { unanswered: escalations[0].id } });
    expect(contextLines(estate.slack.callsOf('chat.update'))).toEqual([
      expect.stringMatching(/:alarm_clock: Not confirmed after 2 reminder\(s\): escalated/),
      expect.stringMatching(/:alarm_clock: Not confirmed after 2 reminder\(s\): escalated/),
    ]);
    expect(queue.deadLetters).toEqual([]);
    expect(queue.pending()).toEqual([]);
  }, 120_000);

  test('Slack down from minute 10 to 70: the unanswered escalation is published at minute 45 all the same, and both messages show it once Slack is back', async () => {
    const { queue, deps, runUntil } = deliveryFunction();
    const alert = sshAlert({ id: `outage-${++login}`, user: 'root', actor: { name: 'Alice Doe', slackUserId: 'U0ALICE1', via: 'key-owner' } });
    expect(await postAlert(alert, deps)).toEqual({ kind: 'delivered' });
    await runUntil(10);
    estate.slack.down = true;
    await runUntil(44);
    expect(await onTopic()).toEqual([]);
    await runUntil(46);
    // SNS, not Slack: published while Slack is still down.
    expect((await onTopic()).map((e) => e.id)).toEqual([`escalation-unanswered-${alert.id}`]);
    expect(estate.slack.callsOf('chat.update')).toEqual([]);

    await runUntil(70);
    estate.slack.down = false;
    await runUntil(76);
    expect(contextLines(estate.slack.callsOf('chat.update'))).toEqual([
      expect.stringMatching(/Not confirmed after 0 reminder\(s\): escalated/),
      expect.stringMatching(/Not confirmed after 0 reminder\(s\): escalated/),
    ]);
    // Reminders asking to confirm a login already escalated would mislead: they are dropped.
    expect(reminderPosts()).toEqual([]);
    expect(await onTopic()).toEqual([]);
    expect(queue.deadLetters).toEqual([]);
    expect(queue.pending()).toEqual([]);
  }, 120_000);
});
