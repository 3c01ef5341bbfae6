import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { useDeliveryEstate } from '../support/delivery-estate';
import { awsConfig, createLedgerTable, createQueue, createSecret, createTopicWithQueue, lambdaEventFromNotification, pagerDutyFilterPolicy, receiveBodies } from '../support/estate';
import { cloudTrailEvent } from '../support/fixtures';
import type { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import type { Moto } from '../support/moto';
import { alertSchemaErrors } from '../support/schema';

/**
 * The doors beyond SSH, the console, Session Manager and Instance Connect, end to end with the
 * built bundles: each fixture (fixtures/cloudtrail/SOURCES.md) goes into the ingest bundle, which
 * enriches against moto's EC2 and publishes to a moto topic; the Slack and PagerDuty bundles then
 * deliver what the topic holds (PagerDuty through the filter policy the construct synthesizes) to
 * local receivers, which check what arrived.
 */

const aws = useDeliveryEstate();
let moto: Moto;
let slack: HttpReceiver;
let pagerDuty: HttpReceiver;
beforeAll(() => ({ moto, slack, pagerDuty } = aws));

/** The topic's notifications delivered by the Slack bundle: its run, and the texts the receiver got from it. */
async function deliverToSlack(notifications: string[], name: string) {
  const secret = await createSecret(moto.endpoint, `${name}-slack`, `${slack.url}/services/T0001/${name}/token`);
  const before = slack.requests.length;
  const run = await invokeBundle('slack', notifications.map((n) => lambdaEventFromNotification(n)), {
    AWS_ENDPOINT_URL: moto.endpoint, SLACK_WEBHOOK_SECRET_ARN: secret, DEAD_LETTER_QUEUE_URL: (await createQueue(moto.endpoint, `${name}-slack-dlq`)).url,
  });
  return { run, texts: slack.requests.slice(before).map((r) => r.json.text as string).sort() };
}

/** What PagerDuty's filtered queue holds, delivered by the PagerDuty bundle: its run, and the events the receiver got from it. */
async function deliverToPagerDuty(queueUrl: string, name: string) {
  const notifications = await receiveBodies(moto.endpoint, queueUrl);
  const secret = await createSecret(moto.endpoint, `${name}-pagerduty`, JSON.stringify({ routingKey: 'e93facc04764012d7bfb002500d5d1a6' }));
  const before = pagerDuty.requests.length;
  const run = await invokeBundle('pagerduty', notifications.map((n) => lambdaEventFromNotification(n)), {
    AWS_ENDPOINT_URL: moto.endpoint,
    PAGERDUTY_ROUTING_KEY_SECRET_ARN: secret,
    PAGERDUTY_ROUTING_KEY_SECRET_FIELD: 'routingKey',
    PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
    DEAD_LETTER_QUEUE_URL: (await createQueue(moto.endpoint, `${name}-pd-dlq`)).url,
  });
  return { run, events: pagerDuty.requests.slice(before).map((r) => r.json) };
}

test('ECS Exec, CloudShell and Fleet Manager Remote Desktop reach Slack and PagerDuty with the person and the target', async () => {
  const region = 'eu-west-1';
  const ec2 = new EC2Client(awsConfig(moto.endpoint, region));
  const run = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'win-1' }] }],
  }));
  const windows = run.Instances![0].InstanceId!;
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const pdQueue = await createQueue(moto.endpoint, 'pagerduty-filtered');
  await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: pdQueue.arn, Attributes: { FilterPolicy: pagerDutyFilterPolicy() },
  }));

  const onWindows = (fixture: string) => {
    const event = cloudTrailEvent(fixture);
    const request = event.detail.requestParameters;
    if (request.InstanceId) request.InstanceId = windows;
    if (request.target) request.target = windows;
    return event;
  };
  const rootExec = cloudTrailEvent('ecs-execute-command');
  rootExec.detail.eventID = 'e1c2a3b4-0003-4000-8000-0000000000e3';
  rootExec.detail.userIdentity = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };
  const events = [
    cloudTrailEvent('ecs-execute-command'), cloudTrailEvent('ecs-execute-command-denied'), rootExec,
    cloudTrailEvent('cloudshell-create-session'),
    onWindows('fleet-manager-start-connection'), onWindows('ssm-start-session-fleet-manager'),
  ];
  const ingest = await invokeBundle('ingest', events, { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: region, ALERT_TOPIC_ARN: topicArn });
  expect(ingest.invocations.map((i) => i.error ?? i.result)).toMatchObject([1, 1, 1, 1, 1, 0].map((alerts) => ({ alerts })));
  expect(ingest.logs).toContain('opened by Fleet Manager Remote Desktop');

  const notifications = await receiveBodies(moto.endpoint, queueUrl);
  const alerts = notifications.map((n) => JSON.parse(JSON.parse(n).Message));
  for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alerts.map((a) => [a.kind, a.outcome, a.severity, a.actor?.name ?? a.user]).sort()).toEqual([
    ['cloudshell', 'success', 'low', 'carol'],
    ['ecs-exec', 'failure', 'medium', 'bob@example.com'],
    ['ecs-exec', 'success', 'critical', 'root'],
    ['ecs-exec', 'success', 'low', 'alice@example.com'],
    ['remote-desktop', 'success', 'low', 'dave'],
  ]);
  expect(alerts.find((a) => a.kind === 'remote-desktop').host).toMatchObject({ instanceId: windows, name: 'win-1' });
  expect(notifications.map((n) => JSON.parse(n).MessageAttributes.kind.Value).sort()).toEqual(['cloudshell', 'ecs-exec', 'ecs-exec', 'ecs-exec', 'remote-desktop']);

  const slackRun = await deliverToSlack(notifications, 'doors');
  expect(slackRun.run.invocations.map((i) => i.result)).toEqual(notifications.map(() => ({ delivered: 1, deadLettered: 0 })));
  expect(slackRun.texts).toEqual([
    '<!channel> [CRITICAL] ECS Exec: root into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)',
    '[LOW] CloudShell session: carol in 111122223333 eu-west-1',
    '[LOW] ECS Exec: alice@example.com into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)',
    '[LOW] Remote Desktop (RDP): dave to win-1',
    '[MEDIUM] Denied ECS Exec: bob@example.com into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)',
  ]);

  // PagerDuty's default filter passes high and critical only: the root exec.
  const pdRun = await deliverToPagerDuty(pdQueue.url, 'doors');
  expect(pdRun.run.invocations.map((i) => i.result)).toEqual([{ delivered: 1, deadLettered: 0 }]);
  expect(pdRun.events).toEqual([expect.objectContaining({
    event_action: 'trigger',
    payload: expect.objectContaining({
      severity: 'critical',
      class: 'ecs-exec-login-success',
      summary: '[CRITICAL] ECS Exec: root into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)',
      custom_details: expect.objectContaining({ container: expect.objectContaining({ cluster: 'prod', container: 'app' }) }),
    }),
  })]);
});

test('ECS Exec names the task\'s service, definition and tags from DescribeTasks on moto, routes on a task tag, and goes out without them when the task is gone', async () => {
  const ecs = new ECSClient(awsConfig(moto.endpoint, 'eu-west-1'));
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:1', memory: 128 }] }));
  const started = await ecs.send(new RunTaskCommand({
    cluster: 'prod',
    taskDefinition: 'web',
    group: 'service:checkout',
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } },
    tags: [{ key: 'team', value: 'payments' }],
  }));
  const taskArn = started.tasks![0].taskArn!;
  const intoTask = (arn: string, eventId: string) => {
    const event = cloudTrailEvent('ecs-execute-command');
    event.detail.eventID = eventId;
    event.detail.requestParameters.task = arn;
    event.detail.responseElements.taskArn = arn;
    return event;
  };
  const gone = taskArn.replace(/[^/]+$/, '0000000000000000000000000000dead');
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'task-alerts');
  const ingest = await invokeBundle('ingest', [intoTask(taskArn, 'e1c2a3b4-0101-4000-8000-0000000000f1'), intoTask(gone, 'e1c2a3b4-0102-4000-8000-0000000000f2')], {
    AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'eu-west-1', ALERT_TOPIC_ARN: topicArn, ROUTING_TAG_KEYS: 'team',
  });
  expect(ingest.invocations.map((i) => i.error ?? i.result)).toMatchObject([{ alerts: 1 }, { alerts: 1 }]);

  const notifications = (await receiveBodies(moto.endpoint, queueUrl)).map((n) => JSON.parse(n));
  const byTask = new Map(notifications.map((n) => [JSON.parse(n.Message).container.taskArn, n]));
  const found = byTask.get(taskArn)!;
  const alert = JSON.parse(found.Message);
  expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alert.container).toMatchObject({ cluster: 'prod', container: 'app', service: 'checkout', group: 'service:checkout', taskDefinition: 'web:1', launchType: 'FARGATE', tags: { team: 'payments' } });
  expect(alert.enrichmentError).toBeUndefined();
  expect(found.MessageAttributes['tag.team']).toEqual({ Type: 'String', Value: 'payments' });

  const missing = JSON.parse(byTask.get(gone)!.Message);
  expect(missing.container.service).toBeUndefined();
  expect(missing.enrichmentError).toMatch(/^no ECS task .*dead in cluster prod \(eu-west-1\)$/);
  expect(byTask.get(gone)!.MessageAttributes['tag.team']).toBeUndefined();

  const slackRun = await deliverToSlack(notifications.map((n) => JSON.stringify(n)), 'tasks');
  expect(slackRun.run.invocations.map((i) => i.result)).toEqual([{ delivered: 1, deadLettered: 0 }, { delivered: 1, deadLettered: 0 }]);
  const blocks = slack.requests.slice(-2).map((r) => JSON.stringify(r.json));
  expect(blocks.filter((b) => b.includes('service *checkout*, definition web:1'))).toHaveLength(1);
  expect(blocks.filter((b) => b.includes('Task details missing: no ECS task'))).toHaveLength(1);
});

test('Identity Center sign-ins, root password recovery and a role switch: one alert per sign-in with its factor from the ledger, to Slack and PagerDuty', async () => {
  await createLedgerTable(moto.endpoint, 'sign-in-ledger');
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'sign-in-alerts');
  const pdQueue = await createQueue(moto.endpoint, 'sign-in-pagerduty');
  await new SNSClient(awsConfig(moto.endpoint)).send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: pdQueue.arn, Attributes: { FilterPolicy: pagerDutyFilterPolicy() },
  }));
  // Each event is its own invocation, in this order: the TOTP step before its sign-in.
  const events = ['identity-center-credential-verification-totp', 'identity-center-user-authentication', 'identity-center-credential-verification-failure',
    'signin-password-recovery-completed', 'signin-switch-role'].map((f) => cloudTrailEvent(f));
  const ingest = await invokeBundle('ingest', events, {
    AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'eu-west-1', ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'sign-in-ledger',
  });
  expect(ingest.invocations.map((i) => i.error ?? i.result)).toMatchObject([0, 1, 1, 1, 1].map((alerts) => ({ alerts })));
  expect(ingest.logs).toContain('is a step of sign-in 7a4ef12c-7c4b-4bc3-b5bd-c2469afcc795');

  const notifications = await receiveBodies(moto.endpoint, queueUrl);
  const alerts = notifications.map((n) => JSON.parse(JSON.parse(n).Message));
  for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alerts.map((a) => [a.kind, a.outcome, a.severity, a.mfa ?? null]).sort()).toEqual([
    ['identity-center-sign-in', 'failure', 'medium', null],
    ['identity-center-sign-in', 'success', 'low', true],
    ['password-recovery', 'success', 'critical', null],
    ['switch-role', 'success', 'low', null],
  ]);

  expect((await deliverToSlack(notifications, 'sign-in')).texts).toEqual([
    '<!channel> [CRITICAL] Root password reset by recovery in 111122223333 from 203.0.113.99',
    '[LOW] Console role switch: alice to role Admin in 111122223333 from 198.51.100.23',
    '[LOW] IAM Identity Center sign-in: demo-user-2 from 192.0.2.14',
    '[MEDIUM] Failed IAM Identity Center sign-in (PASSWORD): demo-user-2 from 192.0.2.14',
  ]);

  expect((await deliverToPagerDuty(pdQueue.url, 'sign-in')).events.map((e) => e.payload)).toEqual([expect.objectContaining({
    severity: 'critical', class: 'password-recovery-login-success', summary: '[CRITICAL] Root password reset by recovery in 111122223333 from 203.0.113.99',
  })]);
});

test('a console role switch names the sign-in it came from through the ledger, across deliveries, and a switch from that role names the first switch', async () => {
  await createLedgerTable(moto.endpoint, 'switch-ledger');
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'switch-alerts');
  const signIn = cloudTrailEvent('iam-user-mfa');
  signIn.detail.userIdentity.arn = 'arn:aws:iam::111122223333:user/alice';
  const firstSwitch = cloudTrailEvent('signin-switch-role');
  const secondSwitch = cloudTrailEvent('signin-switch-role');
  secondSwitch.detail.eventID = 'b2f0c9d8-0002-4000-8000-00000000a0b2';
  secondSwitch.detail.eventTime = '2026-11-20T09:40:00Z';
  secondSwitch.detail.additionalEventData.SwitchFrom = firstSwitch.detail.userIdentity.arn;
  secondSwitch.detail.userIdentity = { ...secondSwitch.detail.userIdentity, arn: 'arn:aws:sts::111122223333:assumed-role/ReadOnly/alice' };
  // Bob never signed in as far as the ledger knows: his switch stands alone.
  const unknown = cloudTrailEvent('signin-switch-role');
  unknown.detail.eventID = 'b2f0c9d8-0003-4000-8000-00000000a0b3';
  unknown.detail.additionalEventData.SwitchFrom = 'arn:aws:iam::111122223333:user/bob';
  // Each event is its own invocation (delivery): the link is made through DynamoDB on moto.
  const ingest = await invokeBundle('ingest', [signIn, firstSwitch, secondSwitch, unknown], {
    AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'eu-west-1', ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'switch-ledger',
  });
  expect(ingest.invocations.map((i) => i.error ?? i.result)).toMatchObject([1, 1, 1, 1].map((alerts) => ({ alerts })));
  const alerts = new Map((await receiveBodies(moto.endpoint, queueUrl)).map((n) => JSON.parse(JSON.parse(n).Message)).map((a) => [a.id, a]));
  const signInId = signIn.detail.eventID;
  expect(alerts.get(firstSwitch.detail.eventID).relatedAlertIds).toEqual([signInId]);
  expect(alerts.get(firstSwitch.detail.eventID).reasons).toContain(`switched from the console session of alert ${signInId}`);
  expect(alerts.get(secondSwitch.detail.eventID).relatedAlertIds).toEqual([firstSwitch.detail.eventID]);
  expect(alerts.get(unknown.detail.eventID).relatedAlertIds).toBeUndefined();
  for (const alert of alerts.values()) expect(alertSchemaErrors(alert)).toEqual([]);
});

test('opt-in: an Identity Center sign-in that names its user only by id gets the name from the identity store (DescribeUser on moto)', async () => {
  const store = 'd-9a670c546e';
  const created = await new IdentitystoreClient(awsConfig(moto.endpoint, 'us-east-2')).send(new CreateUserCommand({
    IdentityStoreId: store, UserName: 'dana@example.com', DisplayName: 'Dana', Name: { GivenName: 'Dana', FamilyName: 'Doe' },
  }));
  const byId = (userId: string, eventId: string) => {
    const event = cloudTrailEvent('identity-center-user-authentication');
    event.detail.eventID = eventId;
    delete event.detail.userIdentity.userName;
    // moto's account: the store is this account's, read with the function's own credentials.
    event.detail.userIdentity.onBehalfOf = { userId, identityStoreArn: `arn:aws:identitystore::123456789012:identitystore/${store}` };
    return event;
  };
  const known = byId(created.UserId!, 'c3a1b2d4-0001-4000-8000-0000000000c1');
  const unknown = byId('00000000-0000-0000-0000-00000000dead', 'c3a1b2d4-0002-4000-8000-0000000000c2');
  const run = async (resolve: boolean, name: string) => {
    const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, name);
    const ingest = await invokeBundle('ingest', [known, unknown], {
      AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'eu-west-1', ALERT_TOPIC_ARN: topicArn, ...(resolve && { RESOLVE_IDENTITY_CENTER_USERS: 'true' }),
    });
    expect(ingest.invocations.map((i) => i.error ?? i.result)).toMatchObject([{ alerts: 1 }, { alerts: 1 }]);
    return new Map((await receiveBodies(moto.endpoint, queueUrl)).map((n) => JSON.parse(JSON.parse(n).Message)).map((a) => [a.id, a]));
  };

  const resolved = await run(true, 'id-resolved');
  const dana = resolved.get(known.detail.eventID);
  expect(alertSchemaErrors(dana)).toEqual([]);
  expect([dana.user, dana.actor.name, dana.principal.identityCenterUserId]).toEqual(['dana@example.com', 'dana@example.com', created.UserId]);
  expect(dana.reasons).toContain('user name dana@example.com from the identity store');
  expect(dana.summary).toContain('dana@example.com');
  const stranger = resolved.get(unknown.detail.eventID);
  expect(stranger.actor.name).toBe('00000000-0000-0000-0000-00000000dead');
  expect(stranger.reasons).toContain(`Identity Center user 00000000-0000-0000-0000-00000000dead not found in ${store}`);

  // Off (the default), the id is shown as it is.
  const asIs = (await run(false, 'id-as-is')).get(known.detail.eventID);
  expect([asIs.user, asIs.actor.name]).toEqual([created.UserId, created.UserId]);
});

