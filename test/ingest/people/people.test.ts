import { alertsFromEnvelope } from '../../../lambda/ingest/alerts-from-envelope';
import { decodeEnvelope } from '../../../lambda/ingest/parse/envelope';
import { attributeToPeople } from '../../../lambda/ingest/people/attribution';
import { peopleSource } from '../../../lambda/ingest/people/source';
import type { Alert } from '../../../lambda/shared/alert';
import { PeopleDirectory } from '../../../lambda/shared/people';
import { cloudTrailEvent, logsDelivery } from '../../support/fixtures';
import { alertSchemaErrors } from '../../support/schema';

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

  describe('a role session name is the caller\'s to choose: it never names a person by itself', () => {
    /** A Session Manager session by a role session, as CloudTrail records it (AWS's shape, another role). */
    async function sessionBy(arn: string, sessionContext: Record<string, unknown> = {}): Promise<Alert> {
      const event = cloudTrailEvent('ssm-start-session-shell');
      const identity = event.detail.userIdentity;
      event.detail.userIdentity = { ...identity, arn, sessionContext: { ...identity.sessionContext, ...sessionContext } };
      const { alerts } = await alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'eu-west-1' });
      return alerts[0];
    }
    const SANDBOX = 'arn:aws:sts::111122223333:assumed-role/SandboxDeveloper/alice@example.com';

    test('anyone allowed to assume SandboxDeveloper may name the session alice@example.com: not Alice, and the alert says why', async () => {
      const alert = attributeToPeople(await sessionBy(SANDBOX), directory);
      expect(alert.actor).toEqual({ name: 'alice@example.com', arn: SANDBOX, via: 'iam' });
      expect(alert.reasons).toContain('role SandboxDeveloper\'s session name matches Alice Doe in the people directory but is chosen by the caller: not attributed');
    });

    test('a session name equal to an IAM user name does not name that user either', async () => {
      const alert = attributeToPeople(await sessionBy('arn:aws:sts::111122223333:assumed-role/SandboxDeveloper/bob'), directory);
      expect(alert.actor).toMatchObject({ name: 'bob', via: 'iam' });
      expect(alert.actor?.email).toBeUndefined();
    });

    test('a federated user names nobody: GetFederationToken\'s caller picks the name', async () => {
      const alert = attributeToPeople(await sessionBy('arn:aws:sts::111122223333:federated-user/alice'), directory);
      expect(alert.actor?.email).toBeUndefined();
    });

    test('a role the user declares as named by their identity provider: its session name names the person', async () => {
      const alert = attributeToPeople(await sessionBy('arn:aws:sts::111122223333:assumed-role/Okta-Engineers/alice@example.com'), directory, { identityProviderRoles: ['Okta-*'] });
      expect(alert.actor).toMatchObject({ name: 'Alice Doe', email: 'alice@example.com', via: 'iam' });
      expect(attributeToPeople(await sessionBy(SANDBOX), directory, { identityProviderRoles: ['Okta-*'] }).actor?.email).toBeUndefined();
    });

    test('a session\'s sourceIdentity (set once, unchangeable by the session) names the person, whatever the session is called', async () => {
      const alert = attributeToPeople(await sessionBy('arn:aws:sts::111122223333:assumed-role/SandboxDeveloper/anything', { sourceIdentity: 'alice' }), directory);
      expect(alert.actor).toMatchObject({ name: 'Alice Doe', sourceIdentity: 'alice', via: 'iam' });
      expect(alertSchemaErrors(alert)).toEqual([]);
    });

    test('an Instance Connect push by an untrusted role session attributes the key to the principal, never to the person it imitates', async () => {
      const push = await sshAlert('May 20 06:01:00 h ec2-instance-connect[1]: Providing ssh key from EC2 Instance Connect with fingerprint: SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG, request-id: 25eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f70, for IAM principal: ' + SANDBOX);
      expect(attributeToPeople(push, directory).actor).toMatchObject({ name: 'alice@example.com', arn: SANDBOX, via: 'instance-connect' });
      expect(attributeToPeople(push, directory).actor?.slackUserId).toBeUndefined();
    });
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

  test('a Slack id that is not one is refused with the reason; the rest of the entry is used', () => {
    const read = PeopleDirectory.parse(JSON.stringify({ people: [{ name: 'Mallory', slackUserId: 'U1><!channel>', unixUsers: ['mallory'] }, ALICE] }));
    expect(read.find('unixUsers', 'mallory')).toEqual({ name: 'Mallory', unixUsers: ['mallory'] });
    expect(read.find('unixUsers', 'alice')?.slackUserId).toBe('U0ALICE');
    expect(read.problems).toEqual(['people[0] (Mallory).slackUserId "U1><!channel>" is not a Slack user id: refused']);
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
