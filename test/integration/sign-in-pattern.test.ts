import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CONSOLE_LOGIN_PATTERN, SESSION_EVENTS_PATTERN, SIGN_IN_EVENT_BUS_NAME } from '../../src/contract/event-patterns';
import { awsConfig, createQueue, receiveBodies } from '../support/estate';
import { cloudTrailEvent } from '../support/fixtures';
import { startMoto, type Moto } from '../support/moto';

/**
 * The rule pattern LoginAlerts and ConsoleLoginForwarder share, run by moto's EventBridge (moto has
 * no TestEventPattern, so events are put on a bus whose rule sends matches to a queue): every
 * sign-in fixture matches whatever the detail-type spelling, including events forwarded from
 * another region to the central sign-in bus; other sign-in events and other services do not.
 */
let moto: Moto;
beforeAll(async () => { moto = await startMoto(); });
afterAll(async () => { await moto?.stop(); });

const central = () => new EventBridgeClient(awsConfig(moto.endpoint, 'us-east-1'));
const remote = () => new EventBridgeClient(awsConfig(moto.endpoint, 'eu-north-1'));

test('sign-in events match on the central bus, directly and forwarded from another region; others do not', async () => {
  const { EventBusArn: busArn } = await central().send(new CreateEventBusCommand({ Name: SIGN_IN_EVENT_BUS_NAME }));
  const inbox = await createQueue(moto.endpoint, 'matched', 'us-east-1');
  await central().send(new PutRuleCommand({ Name: 'central', EventBusName: SIGN_IN_EVENT_BUS_NAME, EventPattern: JSON.stringify(CONSOLE_LOGIN_PATTERN) }));
  await central().send(new PutTargetsCommand({ Rule: 'central', EventBusName: SIGN_IN_EVENT_BUS_NAME, Targets: [{ Id: 'inbox', Arn: inbox.arn }] }));
  // The forwarder: a rule on eu-north-1's default bus sending matches to the central bus.
  await remote().send(new PutRuleCommand({ Name: 'forwarder', EventPattern: JSON.stringify(CONSOLE_LOGIN_PATTERN) }));
  await remote().send(new PutTargetsCommand({ Rule: 'forwarder', Targets: [{ Id: 'central', Arn: busArn, RoleArn: 'arn:aws:iam::123456789012:role/forwarder' }] }));

  const entry = (event: any, detailType = event['detail-type'], bus?: string) => ({
    Source: event.source, DetailType: detailType, Detail: JSON.stringify(event.detail), ...(bus && { EventBusName: bus }),
  });
  const signIn = cloudTrailEvent('root-success-no-mfa');
  const other = cloudTrailEvent('iam-user-mfa');
  await central().send(new PutEventsCommand({
    Entries: [
      entry(signIn, 'AWS Console Sign In via CloudTrail', SIGN_IN_EVENT_BUS_NAME),
      entry({ ...other, detail: { ...other.detail, eventID: 'signin-spelling' } }, 'AWS Console Signin via CloudTrail', SIGN_IN_EVENT_BUS_NAME),
      entry({ ...other, detail: { ...other.detail, eventName: 'CheckMfa', eventID: 'check-mfa' } }, undefined, SIGN_IN_EVENT_BUS_NAME),
      entry({ ...other, source: 'aws.ec2', detail: { ...other.detail, eventID: 'other-source' } }, undefined, SIGN_IN_EVENT_BUS_NAME),
    ],
  }));
  await remote().send(new PutEventsCommand({ Entries: [entry({ ...other, detail: { ...other.detail, eventID: 'forwarded-from-stockholm' } })] }));

  // AWS Sign-In's other records: Identity Center's steps are service events, recorded in its home
  // region and forwarded from there; a CredentialChallenge (a factor asked for) and a sign-in name
  // from another service are not matched.
  const doors = ['identity-center-user-authentication', 'identity-center-credential-verification-totp', 'identity-center-credential-verification-failure',
    'signin-password-recovery-requested', 'signin-password-recovery-completed', 'signin-switch-role'].map((f) => cloudTrailEvent(f));
  const totp = cloudTrailEvent('identity-center-credential-verification-totp');
  await central().send(new PutEventsCommand({
    Entries: [
      ...doors.slice(0, 4).map((e) => entry(e, undefined, SIGN_IN_EVENT_BUS_NAME)),
      entry({ ...totp, detail: { ...totp.detail, eventName: 'CredentialChallenge', eventID: 'challenge' } }, undefined, SIGN_IN_EVENT_BUS_NAME),
      entry({ ...totp, source: 'aws.workspaces', detail: { ...totp.detail, eventSource: 'workspaces.amazonaws.com', eventID: 'workspaces-named' } }, undefined, SIGN_IN_EVENT_BUS_NAME),
    ],
  }));
  await remote().send(new PutEventsCommand({ Entries: doors.slice(4).map((e) => entry(e)) }));

  const matched = (await receiveBodies(moto.endpoint, inbox.url, 'us-east-1')).map((b) => JSON.parse(b).detail.eventID).sort();
  expect(matched).toEqual(['deadbeef-0000-4000-8000-000000000001', 'forwarded-from-stockholm', 'signin-spelling', ...doors.map((e) => e.detail.eventID)].sort());
});

test('session and Instance Connect calls match on the default bus and forwarded to the central bus; other calls do not', async () => {
  const bus = 'sessions-central';
  const { EventBusArn: busArn } = await central().send(new CreateEventBusCommand({ Name: bus }));
  const inbox = await createQueue(moto.endpoint, 'sessions-matched', 'us-east-1');
  for (const [name, eventBus] of [['sessions-default', undefined], ['sessions-bus', bus]] as const) {
    const pattern = JSON.stringify(toCfnPattern(SESSION_EVENTS_PATTERN));
    await central().send(new PutRuleCommand({ Name: name, EventBusName: eventBus, EventPattern: pattern }));
    await central().send(new PutTargetsCommand({ Rule: name, EventBusName: eventBus, Targets: [{ Id: 'inbox', Arn: inbox.arn }] }));
  }
  await remote().send(new PutRuleCommand({ Name: 'sessions-forwarder', EventPattern: JSON.stringify(toCfnPattern(SESSION_EVENTS_PATTERN)) }));
  await remote().send(new PutTargetsCommand({ Rule: 'sessions-forwarder', Targets: [{ Id: 'central', Arn: busArn, RoleArn: 'arn:aws:iam::123456789012:role/forwarder' }] }));

  const entry = (event: any) => ({ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) });
  const session = cloudTrailEvent('ssm-start-session-shell');
  const entries = [
    ...SESSION_FIXTURES.map((f) => entry(cloudTrailEvent(f))),
    entry({ ...session, detail: { ...session.detail, eventName: 'TerminateSession', eventID: 'terminate' } }),
    // Calls of the same names by other services, and a service's name with another's call.
    entry({ ...session, source: 'aws.athena', detail: { ...session.detail, eventSource: 'athena.amazonaws.com', eventID: 'athena-start-session' } }),
    entry({ ...session, source: 'aws.s3express', detail: { ...session.detail, eventSource: 's3express.amazonaws.com', eventName: 'CreateSession', eventID: 's3-express-create-session' } }),
    entry({ ...session, detail: { ...session.detail, eventName: 'ExecuteCommand', eventID: 'ssm-execute-command' } }),
    entry({ ...session, source: 'aws.ssm', detail: { ...session.detail, eventName: 'DescribeInstanceInformation', eventID: 'describe' } }),
    entry({ ...session, source: 'aws.cloudshell', detail: { ...session.detail, eventSource: 'cloudshell.amazonaws.com', eventName: 'SendHeartBeat', eventID: 'heartbeat' } }),
    entry({ ...session, detail: { ...session.detail, eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventID: 'other-call' } }),
    entry({ ...session, 'detail-type': 'AWS Service Event via CloudTrail', 'detail': { ...session.detail, eventID: 'service-event' } }),
  ];
  // PutEvents takes ten entries at a time.
  for (let i = 0; i < entries.length; i += 10) await central().send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
  await remote().send(new PutEventsCommand({ Entries: [entry({ ...session, detail: { ...session.detail, eventID: 'forwarded-session' } })] }));

  const matched = (await receiveBodies(moto.endpoint, inbox.url, 'us-east-1')).map((b) => JSON.parse(b).detail.eventID).sort();
  expect(matched).toEqual([...SESSION_FIXTURES.map((f) => cloudTrailEvent(f).detail.eventID), 'forwarded-session'].sort());
});

/** Every session-event fixture: each must match. */
const SESSION_FIXTURES = [
  'ssm-start-session-shell', 'ssm-resume-session', 'ssm-start-session-ssh', 'ssm-start-session-remote-host', 'ssm-start-session-fleet-manager',
  'eic-send-ssh-public-key', 'eic-send-serial-console-ssh-public-key', 'eic-open-tunnel',
  'ecs-execute-command', 'ecs-execute-command-denied', 'cloudshell-create-session', 'fleet-manager-start-connection',
];

/** CDK writes `detailType` as `detail-type` in the template: the pattern as EventBridge receives it. */
function toCfnPattern(pattern: object): Record<string, unknown> {
  const { detailType, ...rest } = pattern as { detailType?: unknown };
  return { ...rest, ...(detailType !== undefined && { 'detail-type': detailType }) };
}
