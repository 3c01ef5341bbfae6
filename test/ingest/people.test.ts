import { alertsFromEnvelope } from '../../lambda/ingest/alerts-from-envelope';
import { decodeEnvelope } from '../../lambda/ingest/envelope';
import { attributeToPeople } from '../../lambda/ingest/people-attribution';
import { peopleSource } from '../../lambda/ingest/people-source';
import type { Alert } from '../../lambda/shared/alert';
import { PeopleDirectory } from '../../lambda/shared/people';
import { cloudTrailEvent, logsDelivery } from '../support/fixtures';
import { alertSchemaErrors } from '../support/schema';

/** The people directory: identities to people, and the person put behind each alert. */

const ALICE = {
  name: 'Alice Doe',
  email: 'alice@example.com',
  slackUserId: 'U0ALICE',
  unixUsers: ['alice'],
  keyFingerprints: ['SHA256:aliceKey'],
  certificateKeyIds: ['vault-oidc-alice@example.com'],
  iamUserNames: ['alice'],
  ssoUserNames: ['alice@example.com'],
};
const BOB = { name: 'Bob Roe', email: 'bob@example.com', iamUserNames: ['bob'], unixUsers: ['bob'] };
const directory = new PeopleDirectory([ALICE, BOB]);

async function sshAlert(line: string): Promise<Alert> {
  const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery([line])), { policy: {}, region: 'eu-west-1' });
  return alerts[0];
}
async function cloudTrailAlert(fixture: string): Promise<Alert> {
  const { alerts } = await alertsFromEnvelope(decodeEnvelope(cloudTrailEvent(fixture)), { policy: {}, region: 'eu-west-1' });
  return alerts[0];
}

describe('attributeToPeople', () => {
  test('a certificate\'s key id names Alice: her name, email and Slack id, via certificate', async () => {
    const alert = attributeToPeople(await sshAlert('Nov 21 09:15:02 c7 sshd[1]: Accepted publickey for centos from 192.0.2.5 port 1 ssh2: RSA-CERT ID vault-oidc-alice@example.com (serial 1) CA RSA SHA256:ca'), directory);
    expect(alert.actor).toEqual({ name: 'Alice Doe', email: 'alice@example.com', slackUserId: 'U0ALICE', via: 'certificate' });
    expect(alertSchemaErrors(alert)).toEqual([]);
  });

  test('a key in the directory names its owner on a shared account: via key-owner, one level lower', async () => {
    const alert = attributeToPeople(await sshAlert('Nov 21 09:15:02 web-1 sshd[1]: Accepted publickey for ubuntu from 192.0.2.5 port 1 ssh2: ED25519 SHA256:aliceKey'), directory);
    expect(alert).toMatchObject({ severity: 'low', actor: { name: 'Alice Doe', via: 'key-owner' }, reasons: ['SSH login', 'key of Alice Doe (people directory)'] });
  });

  test('a personal unix account names its person, via directory, severity unchanged', async () => {
    const alert = attributeToPeople(await sshAlert('Nov 21 09:15:02 web-1 sshd[1]: Accepted password for bob from 192.0.2.5 port 1 ssh2'), directory);
    expect(alert).toMatchObject({ severity: 'high', actor: { name: 'Bob Roe', email: 'bob@example.com', via: 'directory' } });
  });

  test('an IAM user and an Identity Center user from CloudTrail gain their person', async () => {
    expect(attributeToPeople(await cloudTrailAlert('ssm-start-session-port-forwarding-iam-keys'), directory).actor).toMatchObject({ name: 'Bob Roe', via: 'iam' });
    expect(attributeToPeople(await cloudTrailAlert('ssm-start-session-shell'), directory).actor).toMatchObject({ name: 'Alice Doe', slackUserId: 'U0ALICE', via: 'sso' });
  });

  test('nobody in the directory: the alert is unchanged', async () => {
    const alert = await sshAlert('Nov 21 09:15:02 web-1 sshd[1]: Accepted publickey for ubuntu from 192.0.2.5 port 1 ssh2: ED25519 SHA256:unknown');
    expect(attributeToPeople(alert, directory)).toBe(alert);
  });
});

describe('PeopleDirectory', () => {
  test('500 people: every identity found, each kind its own map', () => {
    const people = Array.from({ length: 500 }, (_, n) => ({ name: `Person ${n}`, unixUsers: [`u${n}`], keyFingerprints: [`SHA256:k${n}`], iamUserNames: [`iam${n}`] }));
    const big = PeopleDirectory.parse(JSON.stringify({ people }));
    expect(big.size).toBe(500);
    expect(big.find('keyFingerprints', 'SHA256:k499')?.name).toBe('Person 499');
    expect(big.find('unixUsers', 'iam1')).toBeUndefined();
  });

  test.each([
    ['not JSON', '{', /not JSON/],
    ['no people list', '{"persons": []}', /expected \{"people": \[...\]\}/],
    ['a person without a name', '{"people": [{"email": "x@example.com"}]}', /people\[0\] has no name/],
    ['a list that is not of strings', '{"people": [{"name": "A", "unixUsers": "a"}]}', /people\[0\].unixUsers is not a list of non-empty strings/],
    ['one identity for two people', '{"people": [{"name": "A", "unixUsers": ["x"]}, {"name": "B", "unixUsers": ["x"]}]}', /unixUsers "x" belongs to both A and B/],
  ])('%s is refused with a clear error', (_, json, message) => {
    expect(() => PeopleDirectory.parse(json)).toThrow(message);
  });

  test('a source that is neither S3 nor Parameter Store is refused', () => {
    expect(() => peopleSource('https://example.com/people.json')).toThrow(/neither s3:\/\/bucket\/key nor ssm:<parameter name>/);
  });
});
