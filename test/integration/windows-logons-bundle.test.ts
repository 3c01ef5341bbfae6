import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Alert } from '../../lambda/shared/alert';
import { deliverWith, subscribeQueue, useDeliveryEstate } from '../support/delivery-estate';
import { awsConfig, createLedgerTable, createTopicWithQueue, pagerDutyFilterPolicy, receiveBodies, slackFilterPolicy } from '../support/estate';
import { encodeLogs, windowsEvent } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * Windows logons end to end with the built bundles: a CloudWatch Logs delivery from a Windows
 * Security log group (fixtures/windows/SOURCES.md) goes into the ingest bundle, which enriches the
 * instance from moto's EC2, names the person from the people directory in moto's S3, counts repeats
 * and failures in the ledger on moto's DynamoDB and publishes to a moto topic; the Slack and
 * PagerDuty bundles deliver what their filter policies (as the construct synthesizes them) let
 * through to local receivers, which check what arrived.
 */

const aws = useDeliveryEstate();

const GROUP = '/windows/security';
const people = { people: [{ name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE', windowsAccounts: ['corp\\ALICE'] }] };

async function estate() {
  const moto = aws.moto;
  await moto.reset();
  const run = await new EC2Client(awsConfig(moto.endpoint)).send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'win-1' }] }],
  }));
  const s3 = new S3Client({ ...awsConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'directory', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'directory', Key: 'people.json', Body: JSON.stringify(people) }));
  await createLedgerTable(moto.endpoint);
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const slackQueue = await subscribeQueue(moto.endpoint, topicArn, 'slack-filtered', slackFilterPolicy());
  const pagerDutyQueue = await subscribeQueue(moto.endpoint, topicArn, 'pagerduty-filtered', pagerDutyFilterPolicy());
  const instanceId = run.Instances![0].InstanceId!;
  const env = { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'ledger', PEOPLE_DIRECTORY: 's3://directory/people.json' };
  const read = async (url: string) => receiveBodies(moto.endpoint, url);
  return { instanceId, env, topic: () => read(queueUrl), slackQueue: () => read(slackQueue), pagerDutyQueue: () => read(pagerDutyQueue) };
}

/** One delivery from the instance's stream of the Security log group, as the subscription filter sends it. */
function delivery(instanceId: string, events: Array<{ id: string; at: string; message: string }>) {
  return encodeLogs({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: GROUP,
    logStream: instanceId,
    subscriptionFilters: ['LoginAlertsWindowsFilter'],
    logEvents: events.map(({ id, at: time, message }) => ({ id, timestamp: Date.parse(time), message })),
  });
}

/** The XML fixture at another time and record id. */
function at(fixture: string, time: string, recordId: number): string {
  return windowsEvent(fixture).replace(/SystemTime='[^']+'/, `SystemTime='${time}'`).replace(/<EventRecordID>\d+</, `<EventRecordID>${recordId}<`);
}

/** Five wrong passwords for CORP\alice over Remote Desktop from 198.51.100.23, then her logon from there; and the noise around them. */
function guessedPassword(instanceId: string) {
  const failures = [0, 1, 2, 3, 4].map((n) => ({ id: `f-${n}`, at: `2026-11-30T09:13:4${n}.000Z`, message: at('4625-rdp-wrong-password.xml', `2026-11-30T09:13:4${n}.0912210Z`, 48200 + n) }));
  return delivery(instanceId, [
    ...failures,
    { id: 'noise-service', at: '2026-11-30T09:13:50.000Z', message: windowsEvent('4624-service.xml') },
    { id: 'noise-network', at: '2026-11-30T09:13:51.000Z', message: windowsEvent('4625-network-unknown-user.xml') },
    { id: 'logon', at: '2026-11-30T09:14:07.000Z', message: windowsEvent('4624-rdp.xml') },
  ]);
}

function deliver(bundle: 'slack' | 'pagerduty', notifications: string[], name: string) {
  return deliverWith(aws, bundle, notifications, name);
}

const alertsOf = (notifications: string[]): Alert[] => notifications.map((n) => JSON.parse(JSON.parse(n).Message) as Alert);

test('a Remote Desktop logon after five wrong passwords: the failures are counted, not alerted; the logon names Alice, is raised and says why', async () => {
  const e = await estate();
  const ingest = await invokeBundle('ingest', [guessedPassword(e.instanceId)], e.env);
  expect(ingest.invocations[0].error).toBeUndefined();
  expect(ingest.invocations[0].result).toMatchObject({ alerts: 1, linesRead: 8 });
  // Counted: the metric a dashboard and an alarm read, from the function's EMF line.
  const emf = ingest.logs.split('\n').filter((l) => l.includes('"WindowsLogonFailures"')).map((l) => JSON.parse(l));
  expect(emf.map((m) => m.WindowsLogonFailures)).toEqual([5]);

  const [logon] = alertsOf(await e.topic());
  expect(alertSchemaErrors(logon)).toEqual([]);
  expect(logon).toMatchObject({
    id: 'logon',
    kind: 'windows-logon',
    outcome: 'success',
    severity: 'high',
    user: 'CORP\\alice',
    sourceIp: '198.51.100.23',
    method: 'RemoteInteractive',
    time: '2026-11-30T09:14:07.552Z',
    actor: { name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE', via: 'directory' },
    host: { instanceId: e.instanceId, name: 'win-1' },
    windows: { eventId: 4624, logonType: 10, authenticationPackage: 'Negotiate', elevatedToken: true, format: 'xml', recordId: '48213' },
    origin: { logGroup: GROUP, logStream: e.instanceId },
  });
  expect(logon.reasons).toEqual(['Remote Desktop logon', 'after 5 failed logons for this account from 198.51.100.23 (since 2026-11-30T09:13:40.091Z)']);

  const [toSlack] = await deliver('slack', await e.slackQueue(), 'held');
  // High is announced with the default mention.
  expect(toSlack.text).toBe('<!here> [HIGH] Windows logon (Remote Desktop): CORP\\alice@win-1 from 198.51.100.23 (Negotiate)');
  const [toPagerDuty] = await deliver('pagerduty', await e.pagerDutyQueue(), 'held');
  expect(toPagerDuty.payload).toMatchObject({
    severity: 'error', class: 'windows-logon-login-success', source: 'win-1', custom_details: { actor: { name: 'Alice Doe' }, user: 'CORP\\alice' },
  });
});

test('with failures alerted: the first failure alerts, the next three are repeats, the fifth is a burst that pages; Alice\'s account is named as the one tried', async () => {
  const e = await estate();
  const ingest = await invokeBundle('ingest', [guessedPassword(e.instanceId)], { ...e.env, ALERT_WINDOWS_LOGON_FAILURES: 'true' });
  expect(ingest.invocations[0].result).toMatchObject({ alerts: 6 });
  const alerts = alertsOf(await e.topic()).sort((a, b) => a.time.localeCompare(b.time));
  for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alerts.map((a) => [a.id, a.outcome, a.severity, a.repeat?.count ?? null])).toEqual([
    ['f-0', 'failure', 'low', null],
    ['f-1', 'failure', 'low', 1],
    ['f-2', 'failure', 'low', 2],
    ['f-3', 'failure', 'low', 3],
    ['f-4', 'failure', 'high', null],
    ['logon', 'success', 'high', null],
  ]);
  // Whose account was tried, in the reasons; never the actor (whoever tried typed her name).
  expect(alerts[0].actor).toBeUndefined();
  expect(alerts[0]).toMatchObject({
    windows: { status: '0xc000006d', subStatus: '0xc000006a', failureReason: 'wrong password' },
  });
  expect(alerts[0].reasons).toEqual(['failed Remote Desktop logon', 'wrong password', 'account of Alice Doe (people directory), named by whoever tried it']);
  expect(alerts[4].reasons).toContain('5 failures by the same user from the same source within 10 minutes (the first: alert f-0)');
  expect(alerts[5].reasons).toContain('after 5 failed logons for this account from 198.51.100.23 (since 2026-11-30T09:13:40.091Z)');

  // Slack leaves repeats out; PagerDuty takes high and above.
  const slackTexts = (await deliver('slack', await e.slackQueue(), 'alerted')).map((m) => m.text).sort();
  expect(slackTexts).toEqual([
    '<!here> [HIGH] Failed Windows logon (Remote Desktop): CORP\\alice@win-1 from 198.51.100.23 (Negotiate)',
    '<!here> [HIGH] Windows logon (Remote Desktop): CORP\\alice@win-1 from 198.51.100.23 (Negotiate)',
    '[LOW] Failed Windows logon (Remote Desktop): CORP\\alice@win-1 from 198.51.100.23 (Negotiate)',
  ]);
  const paged = await deliver('pagerduty', await e.pagerDutyQueue(), 'alerted');
  expect(paged.map((p) => p.payload.class).sort()).toEqual(['windows-logon-login-failure', 'windows-logon-login-success']);
});

test('the rendered-text format: an NTLM logon by the built-in Administrator pages; a hostile workstation name is bounded and escaped; a forged source address names nobody', async () => {
  const e = await estate();
  const ingest = await invokeBundle('ingest', [delivery(e.instanceId, [
    { id: 'admin', at: '2026-11-30T10:00:00.000Z', message: windowsEvent('4624-rdp-ntlm-administrator') },
    { id: 'hostile', at: '2026-11-30T10:01:00.000Z', message: windowsEvent('4624-rdp-hostile-workstation') },
    { id: 'forged', at: '2026-11-30T10:02:00.000Z', message: windowsEvent('4624-rdp-workstation-poses-as-source') },
    { id: 'network', at: '2026-11-30T10:03:00.000Z', message: windowsEvent('4624-network') },
  ])], e.env);
  expect(ingest.invocations[0].result).toMatchObject({ alerts: 3 });
  const alerts = new Map(alertsOf(await e.topic()).map((a) => [a.id, a]));
  for (const alert of alerts.values()) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alerts.get('admin')).toMatchObject({
    severity: 'high',
    user: 'EC2AMAZ-4QK2L7T\\Administrator',
    port: 50432,
    time: '2026-11-30T10:00:00.000Z',
    windows: { builtInAdministrator: true, authenticationPackage: 'NTLM', lmPackage: 'NTLM V2', format: 'text' },
  });
  const hostile = alerts.get('hostile')!;
  expect(hostile.truncatedFields).toEqual(['windows.workstation']);
  expect(hostile.windows!.workstation!.length).toBe(1024);
  // Half-read: an alert with the raw event, and neither the forged address nor a person.
  expect(alerts.get('forged')).toMatchObject({ severity: 'medium', user: 'unknown', reasons: ['Windows logon event could not be read', expect.stringContaining('2 times')] });
  expect(alerts.get('forged')!.sourceIp).toBeUndefined();
  expect(alerts.get('forged')!.actor).toBeUndefined();

  const posted = await deliver('slack', await e.slackQueue(), 'text');
  const hostilePost = JSON.stringify(posted.find((p) => String(p.text).includes('bob')));
  expect(hostilePost).not.toContain('<!channel>');
  expect(hostilePost).not.toContain('<https://evil.example');
  expect(hostilePost).toContain('&lt;!channel&gt;');
  const paged = await deliver('pagerduty', await e.pagerDutyQueue(), 'text');
  expect(paged.map((p) => p.payload.summary)).toEqual(['[HIGH] Windows logon (Remote Desktop): EC2AMAZ-4QK2L7T\\Administrator@win-1 from 203.0.113.50 (NTLM)']);
});
