import { parseSshLine } from '../../../lambda/ingest/parse/ssh-line';
import { sshLine, sshLines } from '../../support/fixtures';

describe('parseSshLine: logins', () => {
  test('Ubuntu auth.log publickey with an ED25519 key', () => {
    expect(parseSshLine(sshLine('ubuntu-22.04-auth.log', 'publickey for ubuntu'))).toEqual({
      parsed: true,
      user: 'ubuntu',
      method: 'publickey',
      from: '203.0.113.7',
      sourceIp: '203.0.113.7',
      port: 50522,
      keyType: 'ED25519',
      keyFingerprint: 'SHA256:Xq0wK8l2cPjZ2x1Hq3VbA7bqQm1gk3hQ3c5oCkqzQ0s',
      hostname: 'ip-10-0-1-23',
      syslogTime: 'Mar  5 14:03:07',
    });
  });

  test('password login from a bare IPv6 address (no key part)', () => {
    const login = parseSshLine(sshLine('ubuntu-22.04-auth.log', 'password for bob'));
    expect(login).toMatchObject({ parsed: true, user: 'bob', method: 'password', sourceIp: '2001:db8::5', port: 40022 });
    expect(login).not.toHaveProperty('keyFingerprint');
  });

  test('keyboard-interactive/pam from an IPv4-mapped address is reported as the IPv4 address', () => {
    expect(parseSshLine(sshLine('ubuntu-22.04-auth.log', 'keyboard-interactive/pam for carol'))).toMatchObject({
      parsed: true, user: 'carol', method: 'keyboard-interactive/pam', from: '::ffff:198.51.100.20', sourceIp: '198.51.100.20', port: 51000,
    });
  });

  test('Amazon Linux 2 /var/log/secure: RSA, ECDSA, gssapi-with-mic and hostbased', () => {
    const file = 'amazon-linux-2-secure';
    expect(parseSshLine(sshLine(file, 'for ec2-user'))).toMatchObject({ user: 'ec2-user', keyType: 'RSA', hostname: 'ip-172-31-40-12' });
    expect(parseSshLine(sshLine(file, 'for root'))).toMatchObject({ user: 'root', keyType: 'ECDSA', sourceIp: '192.0.2.10' });
    expect(parseSshLine(sshLine(file, 'gssapi-with-mic'))).toMatchObject({ user: 'alice@CORP.EXAMPLE.COM', method: 'gssapi-with-mic', port: 40404 });
    expect(parseSshLine(sshLine(file, 'hostbased'))).toMatchObject({ user: 'backup', method: 'hostbased', keyType: 'RSA' });
  });

  test('RFC3339 header, sshd-session process and an OpenSSH certificate', () => {
    expect(parseSshLine(sshLine('debian-12-rfc3339-sshd-session.log', 'ED25519-CERT'))).toEqual({
      parsed: true,
      user: 'deploy',
      method: 'publickey',
      from: '203.0.113.7',
      sourceIp: '203.0.113.7',
      port: 50522,
      keyType: 'ED25519-CERT',
      keyFingerprint: 'SHA256:cQ7Yt3mWn0b9vJ2kX5pL8rD1sF4gH6jK8lZ0xC2vB4n',
      certificate: { keyId: 'deploy@ci.example.com', serial: '42', caKeyType: 'ED25519', caFingerprint: 'SHA256:Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4C' },
      hostname: 'ip-10-0-1-23',
      time: '2024-10-15T12:34:56.123Z',
    });
  });

  test('the RFC3339 time is converted to UTC', () => {
    expect(parseSshLine(sshLine('debian-12-rfc3339-sshd-session.log', 'for admin'))).toMatchObject({
      hostname: 'web-1.internal.example.com', time: '2024-10-15T10:35:10.000Z',
    });
  });

  test('the user is kept exactly as logged, characters and all', () => {
    const line = 'Mar  5 14:03:07 host sshd[1]: Accepted publickey for <!channel>&<https://evil.example|x> from 192.0.2.1 port 22 ssh2: RSA SHA256:abc';
    expect(parseSshLine(line)).toMatchObject({ parsed: true, user: '<!channel>&<https://evil.example|x>' });
  });

  test('a journald line without a syslog process tag (journalctl -o short-iso) still parses', () => {
    expect(parseSshLine('2024-10-15T12:34:56+0000 host sshd-session[77]: Accepted publickey for deploy from 192.0.2.9 port 1022 ssh2: ED25519 SHA256:x')).toMatchObject({ parsed: true, user: 'deploy' });
    expect(parseSshLine('{"MESSAGE":"Accepted publickey for deploy from 192.0.2.9 port 1022 ssh2: ED25519 SHA256:x","SYSLOG_IDENTIFIER":"sshd-session"}'))
      .toMatchObject({ parsed: true, user: 'deploy', sourceIp: '192.0.2.9', port: 1022, keyFingerprint: 'SHA256:x' });
  });
});

describe('parseSshLine: what is not a login', () => {
  test.each([
    ['session opened', 'ubuntu-22.04-auth.log', 'session opened'],
    ['failed password', 'ubuntu-22.04-auth.log', 'Failed password'],
    ['sudo grepping for Accepted', 'ubuntu-22.04-auth.log', 'sudo:'],
    ['disconnect', 'amazon-linux-2-secure', 'Received disconnect'],
    ['VERBOSE certificate detail', 'debian-12-rfc3339-sshd-session.log', 'Accepted certificate ID'],
    ['Partial (first of two factors)', 'debian-12-rfc3339-sshd-session.log', 'Partial publickey'],
    ['Postponed', 'debian-12-rfc3339-sshd-session.log', 'Postponed'],
    ['server start', 'debian-12-rfc3339-sshd-session.log', 'Server listening'],
  ])('%s produces nothing', (_, file, needle) => {
    expect(parseSshLine(sshLine(file, needle))).toBeUndefined();
  });

  test('every fixture line is either a login, unparsed, or nothing: counts per file', () => {
    const count = (file: string) => {
      const results = sshLines(file).map(parseSshLine);
      return { logins: results.filter((r) => r?.parsed).length, unparsed: results.filter((r) => r && !r.parsed).length };
    };
    expect(count('ubuntu-22.04-auth.log')).toEqual({ logins: 3, unparsed: 0 });
    expect(count('amazon-linux-2-secure')).toEqual({ logins: 4, unparsed: 0 });
    expect(count('debian-12-rfc3339-sshd-session.log')).toEqual({ logins: 3, unparsed: 1 });
  });
});

describe('parseSshLine: sshd says Accepted but the line cannot be read', () => {
  test('a truncated line is an unparsed login that keeps the host and time', () => {
    expect(parseSshLine(sshLine('debian-12-rfc3339-sshd-session.log', 'sshd-session[4400]'))).toEqual({
      parsed: false, hostname: 'ip-10-0-1-23', time: '2024-10-15T12:40:00.000Z',
    });
  });

  test('an impossible port is not silently accepted', () => {
    expect(parseSshLine('Mar  5 14:03:07 host sshd[1]: Accepted password for bob from 192.0.2.1 port 99999 ssh2')).toEqual({ parsed: false, hostname: 'host', syslogTime: 'Mar  5 14:03:07' });
  });
});
