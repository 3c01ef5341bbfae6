import { alertsFromEnvelope } from '../../../lambda/ingest/alerts-from-envelope';
import { HostEnricher } from '../../../lambda/ingest/enrich/host-enricher';
import { parseApiLogin, readPublicKey } from '../../../lambda/ingest/parse/api-event';
import { decodeEnvelope } from '../../../lambda/ingest/parse/envelope';
import type { Alert } from '../../../lambda/shared/alert';
import { WEB1 } from '../../support/alerts';
import { cloudTrailEvent } from '../../support/fixtures';
import { alertSchemaErrors } from '../../support/schema';

/** Session Manager sessions and Instance Connect pushes and tunnels from CloudTrail, as alerts. */

const enricher = () => new HostEnricher(async (filter) => [WEB1].filter((i) => filter.Values!.includes(filter.Name === 'instance-id' ? i.InstanceId! : i.PrivateIpAddress!)), 60_000);

async function alertFor(fixture: string): Promise<Alert> {
  const { alerts } = await alertsFromEnvelope(decodeEnvelope(cloudTrailEvent(fixture)), { policy: {}, region: 'eu-west-1', enricher: enricher() });
  expect(alerts).toHaveLength(1);
  expect(alertSchemaErrors(alerts[0])).toEqual([]);
  return alerts[0];
}

describe('Session Manager', () => {
  test('an Identity Center user\'s shell session: low, the SSO user as actor, the instance enriched', async () => {
    expect(await alertFor('ssm-start-session-shell')).toMatchObject({
      id: '5c1d7e8f-2a3b-4c5d-9e6f-7a8b9c0d1e2f',
      kind: 'ssm-session',
      severity: 'low',
      reasons: ['SSM shell session'],
      outcome: 'success',
      user: 'alice@example.com',
      actor: { name: 'alice@example.com', via: 'sso', arn: expect.stringContaining('assumed-role/AWSReservedSSO_AdministratorAccess') },
      session: { id: 'alice@example.com-0a1b2c3d4e5f60718', document: 'shell', target: 'i-0abc123def4567890' },
      sourceIp: '203.0.113.40',
      host: { instanceId: 'i-0abc123def4567890', name: 'web-1' },
      origin: { eventSource: 'ssm.amazonaws.com', eventName: 'StartSession', eventId: '5c1d7e8f-2a3b-4c5d-9e6f-7a8b9c0d1e2f' },
      summary: '[LOW] SSM session: alice@example.com to web-1 (shell)',
    });
  });

  test('port forwarding with an IAM user\'s long-term keys: medium, the document named', async () => {
    expect(await alertFor('ssm-start-session-port-forwarding-iam-keys')).toMatchObject({
      severity: 'medium',
      reasons: ['SSM session (port forwarding)', 'IAM user long-term access keys'],
      actor: { name: 'bob', via: 'iam' },
      session: { document: 'AWS-StartPortForwardingSession' },
    });
  });

  test('a resumed session keeps its session id', async () => {
    expect(await alertFor('ssm-resume-session')).toMatchObject({ kind: 'ssm-session', session: { id: 'alice@example.com-0a1b2c3d4e5f60718' }, origin: { eventName: 'ResumeSession' } });
  });

  test('a denied call is a failure: medium, with the error code, and no actor (nobody got in)', async () => {
    const alert = await alertFor('ssm-start-session-denied');
    expect(alert).toMatchObject({ outcome: 'failure', severity: 'medium', reasons: ['SSM shell session', 'denied: AccessDenied'], user: 'bob' });
    expect(alert).not.toHaveProperty('actor');
    expect(alert.summary).toBe('[MEDIUM] Denied SSM session: bob to web-1 (shell)');
  });

  test('root: critical', async () => {
    const event = cloudTrailEvent('ssm-start-session-shell');
    event.detail.userIdentity = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'eu-west-1' });
    expect(alerts[0]).toMatchObject({ severity: 'critical', user: 'root', actor: { name: 'root', via: 'iam' } });
  });
});

describe('EC2 Instance Connect from CloudTrail', () => {
  test('SendSSHPublicKey: the OS user, the pusher as actor, and the fingerprint computed from the recorded key', async () => {
    expect(await alertFor('eic-send-ssh-public-key')).toMatchObject({
      kind: 'instance-connect',
      severity: 'low',
      reasons: ['EC2 Instance Connect key push', 'no SSH login seen with it'],
      user: 'ec2-user',
      osUser: 'ec2-user',
      actor: { name: 'alice@example.com', via: 'sso' },
      keyType: 'ED25519',
      // What ssh-keygen -lf prints for the fixture's key, and what sshd logs when it is used.
      keyFingerprint: 'SHA256:xHh4gcvsFH82tWQNsUOYw9h+15BoTSm43KU9zWgfh5Q',
      session: { requestId: '25eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f70' },
      host: { name: 'web-1' },
      summary: '[LOW] EC2 Instance Connect key pushed for ec2-user@web-1 by alice@example.com',
    });
  });

  test('SendSerialConsoleSSHPublicKey: an RSA key, fingerprinted as ssh-keygen does', async () => {
    expect(await alertFor('eic-send-serial-console-ssh-public-key')).toMatchObject({
      kind: 'instance-connect', keyType: 'RSA', keyFingerprint: 'SHA256:W8ZjGrqAj+QS2eq/43zPL8DAugFQ+/0pNq05q/c3p/Y', reasons: ['EC2 serial console key push', 'IAM user long-term access keys'],
    });
  });

  test('OpenTunnel: no instance id is recorded, so the instance is found by its private IP', async () => {
    expect(await alertFor('eic-open-tunnel')).toMatchObject({
      kind: 'instance-connect',
      severity: 'low',
      user: 'carol',
      port: 22,
      session: { id: 'eice-0123456789abcdef0' },
      host: { instanceId: 'i-0abc123def4567890', privateIp: '10.0.1.23', name: 'web-1' },
      summary: '[LOW] EC2 Instance Connect Endpoint tunnel to web-1 port 22 by carol',
    });
  });
});

describe('an Endpoint tunnel names its target only by address', () => {
  test('no instance has that address (or enrichment is off): the alert still shows the address, never "unknown host"', async () => {
    const none = new HostEnricher(async () => [], 60_000);
    for (const context of [{ policy: {}, region: 'eu-west-1', enricher: none }, { policy: {}, region: 'eu-west-1' }]) {
      const { alerts } = await alertsFromEnvelope(decodeEnvelope(cloudTrailEvent('eic-open-tunnel')), context);
      expect(alerts[0]).toMatchObject({ host: { privateIp: '10.0.1.23' }, summary: '[LOW] EC2 Instance Connect Endpoint tunnel to 10.0.1.23 port 22 by carol' });
      expect(alertSchemaErrors(alerts[0])).toEqual([]);
    }
  });
});

describe('bad input', () => {
  test('a record missing its request still alerts, saying what it lacks', async () => {
    const event = cloudTrailEvent('eic-send-ssh-public-key');
    event.detail.requestParameters = { sSHPublicKey: 'ssh-ed25519 not-base64!' };
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'eu-west-1' });
    expect(alerts[0].reasons).toEqual(expect.arrayContaining([
      'SendSSHPublicKey record without an instanceId', 'SendSSHPublicKey record without an instanceOSUser', 'the pushed public key could not be read',
    ]));
    expect(alertSchemaErrors(alerts[0])).toEqual([]);
  });

  test('public keys: only well-formed key blobs are fingerprinted', () => {
    expect(readPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC3FJtGT0VYJOdHSHVtFdNJanSNdeZHGeBOgXHNPIYfZ x')?.fingerprint).toBe('SHA256:xHh4gcvsFH82tWQNsUOYw9h+15BoTSm43KU9zWgfh5Q');
    // The algorithm named outside must be the one inside the blob.
    expect(readPublicKey('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIC3FJtGT0VYJOdHSHVtFdNJanSNdeZHGeBOgXHNPIYfZ')).toBeUndefined();
    expect(readPublicKey('hello')).toBeUndefined();
    expect(readPublicKey(undefined)).toBeUndefined();
  });

  test('a service calling on a user\'s behalf (sourceIPAddress is a service name) gives no source IP', () => {
    const event = cloudTrailEvent('ssm-start-session-shell');
    event.detail.sourceIPAddress = 'ssm-guiconnect.amazonaws.com';
    expect(parseApiLogin(event.detail, { id: event.id })).not.toHaveProperty('sourceIp');
  });
});

describe('a record without recipientAccountId', () => {
  /** EventBridge delivered it to the deployment's account 999999999999; the record itself names 111122223333. */
  async function accountOf(fixture: string, change: (detail: Record<string, any>) => void): Promise<string> {
    const event = cloudTrailEvent(fixture);
    event.account = '999999999999';
    delete event.detail.recipientAccountId;
    change(event.detail);
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'eu-west-1' });
    return alerts[0].account;
  }

  test.each(['ssm-start-session-shell', 'eic-send-ssh-public-key', 'iam-user-no-mfa', 'root-success-no-mfa'])('%s: the caller\'s accountId, else the account in its ARN, never the delivery\'s', async (fixture) => {
    expect(await accountOf(fixture, () => undefined)).toBe('111122223333');
    expect(await accountOf(fixture, (d) => { delete d.userIdentity.accountId; })).toBe('111122223333');
    expect(await accountOf(fixture, (d) => { delete d.userIdentity.accountId; delete d.userIdentity.arn; })).toBe('999999999999');
  });
});
