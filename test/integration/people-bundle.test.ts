import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { peopleSource } from '../../lambda/ingest/people/source';
import { awsConfig, createTopicWithQueue, receiveBodies } from '../support/estate';
import { cloudTrailEvent, logsDelivery } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * The people directory read at run time from moto's S3 and Parameter Store: the ingest bundle puts
 * the person behind a login; an edit is picked up without a deploy, a bad edit keeps the last good
 * copy, and a directory that cannot be read never holds an alert back.
 */

let moto: Moto;
beforeAll(async () => { moto = await startMoto(); });
afterAll(async () => { await moto?.stop(); });

const people = { people: [{ name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE', keyFingerprints: ['SHA256:aliceKey'], ssoUserNames: ['alice@example.com'] }] };
const line = 'Nov 21 09:15:02 web-1 sshd[1]: Accepted publickey for ubuntu from 192.0.2.5 port 1 ssh2: ED25519 SHA256:aliceKey';

async function run(directory: string, events: unknown[] = [logsDelivery([line])], env: Record<string, string> = {}) {
  await moto.reset();
  const s3 = new S3Client({ ...awsConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'directory', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'directory', Key: 'people.json', Body: JSON.stringify(people) }));
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const result = await invokeBundle('ingest', events, {
    AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false', PEOPLE_DIRECTORY: directory, ...env,
  });
  const alerts = (await receiveBodies(moto.endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message));
  return { result, alerts };
}

test('from S3: the key\'s owner is the actor, with email and Slack id', async () => {
  const { alerts } = await run('s3://directory/people.json');
  expect(alerts[0]).toMatchObject({ severity: 'low', actor: { name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE', via: 'key-owner' } });
});

test('a session named alice@example.com names Alice only for a role IDENTITY_PROVIDER_ROLES declares', async () => {
  const session = (role: string, id: string) => {
    const event = cloudTrailEvent('ssm-start-session-shell');
    event.detail.eventID = id;
    event.detail.userIdentity = { ...event.detail.userIdentity, arn: `arn:aws:sts::111122223333:assumed-role/${role}/alice@example.com` };
    return event;
  };
  const { alerts } = await run('s3://directory/people.json', [session('SandboxDeveloper', 'e-sandbox'), session('Okta-Engineers', 'e-okta')], { IDENTITY_PROVIDER_ROLES: 'Okta-*' });
  const byId = new Map(alerts.map((a) => [a.id, a]));
  expect(byId.get('e-sandbox').actor).toEqual({ name: 'alice@example.com', arn: 'arn:aws:sts::111122223333:assumed-role/SandboxDeveloper/alice@example.com', via: 'iam' });
  expect(byId.get('e-okta').actor).toMatchObject({ name: 'Alice Doe', slackUserId: 'U0ALICE', via: 'iam' });
});

test('a directory that cannot be read: the alert goes out without a person, saying so, and the function logs it', async () => {
  const { result, alerts } = await run('s3://directory/missing.json');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).not.toHaveProperty('actor');
  expect(alerts[0].reasons).toContain('people directory unavailable: no person looked up');
  expect(result.logs).toMatch(/"message":"people directory unavailable"/);
});

test('from Parameter Store: an edit is read after the cache expires; a bad edit keeps the last good copy', async () => {
  await moto.reset();
  // peopleSource builds its client from the environment, as in Lambda: point it at moto for this test.
  const names = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  const previous = names.map((name) => process.env[name]);
  Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  try {
    const ssm = new SSMClient(awsConfig(moto.endpoint));
    const put = (value: string) => ssm.send(new PutParameterCommand({ Name: '/login-alerts/people', Type: 'String', Value: value, Overwrite: true }));
    let now = 0;
    const source = peopleSource('ssm:/login-alerts/people', () => now);
    await put(JSON.stringify(people));
    expect((await source.load()).find('keyFingerprints', 'SHA256:aliceKey')?.name).toBe('Alice Doe');
    await put(JSON.stringify({ people: [{ name: 'Alice Doe-Smith', keyFingerprints: ['SHA256:aliceKey'] }] }));
    expect((await source.load()).find('keyFingerprints', 'SHA256:aliceKey')?.name).toBe('Alice Doe');
    now += 5 * 60_000;
    expect((await source.load()).find('keyFingerprints', 'SHA256:aliceKey')?.name).toBe('Alice Doe-Smith');
    await put('{ not json');
    now += 5 * 60_000;
    expect((await source.load()).find('keyFingerprints', 'SHA256:aliceKey')?.name).toBe('Alice Doe-Smith');
  } finally {
    names.forEach((name, i) => {
      if (previous[i] === undefined) delete process.env[name]; else process.env[name] = previous[i];
    });
  }
});
