import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsConfig, createQueue, createSecret, lambdaEventFromNotification, pagerDutyFilterPolicy, receiveBodies } from '../support/estate';
import { logsDelivery } from '../support/fixtures';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { CHANNEL, SIGNING_SECRET, slackAppFilterPolicy, startSlackAppEstate, type SlackAppEstate } from '../support/slack-app-estate';
import { buttonPayload, signedRequest } from '../support/slack-requests';

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
    payload: { severity: 'critical', custom_details: { kind: 'escalation', escalation: { loginAlertId: login.id, reason: 'disputed', by: 'U0ALICE1' } } },
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
