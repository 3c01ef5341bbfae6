import { alertsFromEnvelope } from '../../lambda/ingest/alerts-from-envelope';
import { decodeEnvelope } from '../../lambda/ingest/parse/envelope';
import { parseInstanceConnectLine } from '../../lambda/ingest/parse/instance-connect-line';
import { encodeLogs, logsPayload, sshLine, sshLines } from '../support/fixtures';
import { alertSchemaErrors } from '../support/schema';

/**
 * The instance's own Instance Connect line, and the SSH login it makes possible: linked within one
 * delivery by instance, fingerprint and the key's 60-second life, never otherwise.
 */

const FILE = 'amazon-linux-2023-instance-connect.log';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123abcd4567ef89/alice@example.com';
const ALICE_FP = 'SHA256:xHh4gcvsFH82tWQNsUOYw9h+15BoTSm43KU9zWgfh5Q';
const BOB_FP = 'SHA256:W8ZjGrqAj+QS2eq/43zPL8DAugFQ+/0pNq05q/c3p/Y';

/**
 * A delivery whose events carry the times their lines show, as the CloudWatch agent stamps them
 * (traditional syslog lines name no year: 2026 here).
 */
async function alertsOf(lines: string[], stream = 'i-0abc123def4567890') {
  const payload = logsPayload(lines, { logStream: stream });
  const stamp = (message: string) => (/^\d{4}-/.test(message) ? Date.parse(message.split(' ')[0]) : Date.parse(`2026 ${message.slice(0, 15)} UTC`));
  const logEvents = payload.logEvents.map((event) => ({ ...event, timestamp: stamp(event.message) }));
  const { alerts } = await alertsFromEnvelope(decodeEnvelope(encodeLogs({ ...payload, logEvents })), { policy: {}, region: 'eu-west-1' });
  for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  return alerts;
}

describe('parseInstanceConnectLine', () => {
  test('the package\'s line: fingerprint, request id, principal as actor', () => {
    expect(parseInstanceConnectLine(sshLine(FILE, 'request-id: 25eac5d1'))).toEqual({
      fingerprint: ALICE_FP,
      requestId: '25eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f70',
      principalArn: ALICE,
      actor: { name: 'alice@example.com', arn: ALICE, via: 'instance-connect' },
      hostname: 'ip-10-0-1-23',
      syslogTime: 'May 20 06:01:30',
    });
  });

  test('newer package versions end the fingerprint with a period', () => {
    expect(parseInstanceConnectLine(sshLine(FILE, 'request-id: 45eac5d1'))).toMatchObject({ fingerprint: BOB_FP, actor: { name: 'bob' } });
  });

  test.each([
    ['another program writing the same words', sshLine(FILE, 'myapp[77]')],
    ['the lookup line, not a key provided', sshLine(FILE, 'Querying')],
    ['text merely containing the phrase', 'Mar  5 14:03:07 h sshd[1]: Connection from x: Providing ssh key from EC2 Instance Connect with fingerprint: SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
  ])('%s is not a push', (_, line) => {
    expect(parseInstanceConnectLine(line)).toBeUndefined();
  });

  test.each([
    ['not an ARN', 'alice'],
    ['an ARN cut by journalctl at the terminal width', 'arn:aws:iam::111122223333:user/ali>'],
    ['an ARN of something that is not a principal', 'arn:aws:s3:::bucket/key'],
  ])('a principal that is %s is kept as written but names no actor', (_, principal) => {
    const line = `May 20 06:01:30 h ec2-instance-connect[1]: Providing ssh key from EC2 Instance Connect with fingerprint: ${ALICE_FP}, request-id: r-1234567890, for IAM principal: ${principal}`;
    const push = parseInstanceConnectLine(line);
    expect(push).toMatchObject({ fingerprint: ALICE_FP, principalArn: principal });
    expect(push).not.toHaveProperty('actor');
  });
});

describe('correlation within a delivery', () => {
  test('the fixture log: the pushed key\'s login is attributed; a push with no login and a login outside the key\'s life are not linked', async () => {
    const alerts = await alertsOf(sshLines(FILE));
    expect(alerts.map((a) => [a.kind, a.user, a.keyFingerprint, a.actor?.name ?? null, a.severity])).toEqual([
      ['ssh', 'ec2-user', ALICE_FP, 'alice@example.com', 'low'],
      // Bob's login with his key comes three minutes after his push: the key had expired, so it is not his push's doing.
      ['ssh', 'ec2-user', BOB_FP, null, 'medium'],
      ['instance-connect', 'unknown', BOB_FP, 'bob', 'low'],
    ]);
    expect(alerts[0]).toMatchObject({
      actor: { name: 'alice@example.com', arn: ALICE, via: 'instance-connect' },
      session: { requestId: '25eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f70' },
      reasons: ['SSH login', `key pushed with EC2 Instance Connect by ${ALICE}`],
    });
    expect(alerts[2]).toMatchObject({ reasons: ['EC2 Instance Connect key push', 'no SSH login seen with it in this delivery'], session: { requestId: '45eac5d1-7a3b-4c8e-9f01-2b3c4d5e6f72' } });
  });

  test('the login before the push line in the delivery still links (order within a delivery does not matter)', async () => {
    const [push, accepted] = [sshLine(FILE, 'request-id: 25eac5d1'), sshLine(FILE, 'sshd[1290]: Accepted')];
    expect((await alertsOf([accepted, push])).map((a) => a.actor?.name)).toEqual(['alice@example.com']);
  });

  test('never across instances: the same key pushed to another instance\'s log stream links nothing', async () => {
    const push = sshLine(FILE, 'request-id: 25eac5d1').replace('ip-10-0-1-23', 'ip-10-0-9-99');
    const accepted = sshLine(FILE, 'sshd[1290]: Accepted');
    const alerts = await alertsOf([push, accepted], 'secure');
    expect(alerts.map((a) => [a.kind, a.actor?.name ?? null])).toEqual([['ssh', null], ['instance-connect', 'alice@example.com']]);
  });

  test('never across fingerprints', async () => {
    const push = sshLine(FILE, 'request-id: 25eac5d1').replace(ALICE_FP, BOB_FP);
    const alerts = await alertsOf([push, sshLine(FILE, 'sshd[1290]: Accepted')]);
    expect(alerts.map((a) => [a.kind, a.actor?.name ?? null])).toEqual([['ssh', null], ['instance-connect', 'alice@example.com']]);
  });

  test('an untrusted principal links the login to the push but attributes it to nobody', async () => {
    const push = sshLine(FILE, 'request-id: 25eac5d1').replace(ALICE, 'somebody');
    const [alert] = await alertsOf([push, sshLine(FILE, 'sshd[1290]: Accepted')]);
    expect(alert).not.toHaveProperty('actor');
    expect(alert).toMatchObject({ severity: 'medium', reasons: ['SSH login', 'key pushed with EC2 Instance Connect (principal is not a valid ARN, not trusted)'] });
  });
});

describe('SSH certificates name their holder', () => {
  test('the key id is the actor, one level lower', async () => {
    const [alert] = await alertsOf(['Nov 21 09:15:02 c7 sshd[311]: Accepted publickey for centos from 192.0.2.5 port 40000 ssh2: RSA-CERT ID vault-oidc-alice@example.com (serial 8114921) CA RSA SHA256:CaFpAbCdEf0123456789']);
    expect(alert).toMatchObject({
      actor: { name: 'vault-oidc-alice@example.com', via: 'certificate' },
      severity: 'low',
      reasons: ['SSH login', 'SSH certificate of vault-oidc-alice@example.com'],
    });
  });
});

describe('one push, however many lines say so (real transcripts: sshd asks for the key twice)', () => {
  const TWICE = 'ubuntu-24.04-instance-connect-twice.log';

  test('two lines with one request-id and the login they made possible: one alert, the SSH login, by root: critical', async () => {
    const alerts = await alertsOf(sshLines(TWICE).slice(0, 6));
    expect(alerts.map((a) => [a.kind, a.severity, a.actor?.arn])).toEqual([['ssh', 'critical', 'arn:aws:iam::111122223333:root']]);
    expect(alerts[0].reasons).toContain('key pushed with EC2 Instance Connect by the root user');
    expect(alerts[0].session).toEqual({ requestId: 'dbb3a856-9c4a-4d14-bcae-490dbe89717d' });
  });

  test('two lines with one request-id and no login in the delivery: one key-push alert that says it was logged twice', async () => {
    const alerts = await alertsOf(sshLines(TWICE).slice(6));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'instance-connect', severity: 'low', session: { requestId: '701e876d-1027-425a-98a8-36c36d6663e4' } });
    expect(alerts[0].reasons).toContain('logged 2 times (sshd asks for the key more than once)');
    // journalctl cut the ARN at the terminal width: a cut ARN names nobody.
    expect(alerts[0].actor).toBeUndefined();
  });

  test('a push line by root with no login: critical, as CloudTrail\'s record of it is', async () => {
    const alerts = await alertsOf([sshLines(TWICE)[1]]);
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['instance-connect', 'critical']]);
    expect(alerts[0].reasons).toContain('root user');
  });

  test('the same key pushed twice by two requests is two pushes', async () => {
    const [first] = sshLines(TWICE).filter((l) => l.includes('Providing')).slice(2);
    const second = first.replace('701e876d-1027-425a-98a8-36c36d6663e4', '801e876d-1027-425a-98a8-36c36d6663e5').replace('17:57:09', '17:57:40');
    expect(await alertsOf([first, second])).toHaveLength(2);
  });
});
