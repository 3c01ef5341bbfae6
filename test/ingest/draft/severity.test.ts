import { classifyConsole, classifySsh, classifyWindows } from '../../../lambda/ingest/draft/severity';
import { parseConsoleLogin } from '../../../lambda/ingest/parse/console-login';
import { parseSshLine } from '../../../lambda/ingest/parse/ssh-line';
import { parseWindowsLogon, type WindowsLogon } from '../../../lambda/ingest/parse/windows-logon';
import { NetworkSet } from '../../../lambda/shared/networks';
import { cloudTrailEvent, windowsEvent } from '../../support/fixtures';

const ssh = (user: string, method: string, ip: string) =>
  parseSshLine(`Mar  5 14:03:07 host sshd[1]: Accepted ${method} for ${user} from ${ip} port 22 ssh2`)!;
const consoleLogin = (name: string) => {
  const event = cloudTrailEvent(name);
  return classifyConsole(parseConsoleLogin(event.detail, { id: event.id }));
};

describe('default severity policy: console sign-ins', () => {
  test.each([
    ['root-success-no-mfa', 'critical', ['root user', 'no MFA']],
    ['root-failure', 'high', ['root user', 'failed sign-in']],
    ['iam-user-no-mfa', 'high', ['IAM user', 'no MFA']],
    ['iam-user-mfa', 'low', ['IAM user', 'MFA used']],
    ['iam-user-failure-hidden', 'medium', ['failed sign-in', 'user name hidden by CloudTrail (no such IAM user)']],
    ['saml-federated', 'low', ['SAML federated sign-in']],
    ['identity-center', 'low', ['IAM Identity Center sign-in']],
  ])('%s is %s', (name, severity, reasons) => {
    expect(consoleLogin(name)).toEqual({ severity, reasons });
  });
});

describe('default severity policy: SSH logins', () => {
  const none = {};
  test('a key login is medium', () => {
    expect(classifySsh(ssh('deploy', 'publickey', '203.0.113.7'), none)).toEqual({ severity: 'medium', reasons: ['SSH login'] });
  });
  test('root is high', () => {
    expect(classifySsh(ssh('root', 'publickey', '203.0.113.7'), none)).toEqual({ severity: 'high', reasons: ['root user'] });
  });
  test('password and keyboard-interactive are high', () => {
    expect(classifySsh(ssh('bob', 'password', '203.0.113.7'), none).severity).toBe('high');
    expect(classifySsh(ssh('bob', 'keyboard-interactive/pam', '203.0.113.7'), none)).toEqual({ severity: 'high', reasons: ['password login'] });
  });
  test('an unparsed line is medium with the reason', () => {
    expect(classifySsh({ parsed: false }, none)).toEqual({ severity: 'medium', reasons: ['sshd login line could not be parsed'] });
  });

  describe('trusted CIDRs', () => {
    const policy = { trustedNetworks: NetworkSet.parse(['198.51.100.0/24', '2001:db8:1234::/48']) };
    test('inside: one level lower, with the reason', () => {
      expect(classifySsh(ssh('root', 'password', '198.51.100.20'), policy)).toEqual({ severity: 'medium', reasons: ['root user', 'password login', 'source IP inside trusted ranges'] });
      expect(classifySsh(ssh('deploy', 'publickey', '2001:db8:1234::9'), policy)).toEqual({ severity: 'low', reasons: ['SSH login', 'source IP inside trusted ranges'] });
    });
    test('an IPv4-mapped address inside a trusted IPv4 range counts as inside', () => {
      expect(classifySsh(ssh('deploy', 'publickey', '::ffff:198.51.100.20'), policy).severity).toBe('low');
    });
    test('outside: unchanged, with the reason', () => {
      expect(classifySsh(ssh('deploy', 'publickey', '203.0.113.7'), policy)).toEqual({ severity: 'medium', reasons: ['SSH login', 'source IP outside trusted ranges'] });
    });
    test('Windows: inside is one level lower; outside is raised to high (Remote Desktop should never face the internet)', () => {
      const rdp = (ip: string): WindowsLogon => ({ ...(parseWindowsLogon(windowsEvent('4624-rdp.xml')) as { logon: WindowsLogon }).logon, sourceIp: ip });
      expect(classifyWindows(rdp('198.51.100.20'), policy)).toEqual({ severity: 'low', reasons: ['Remote Desktop logon', 'source IP inside trusted ranges'] });
      expect(classifyWindows(rdp('203.0.113.7'), policy)).toEqual({ severity: 'high', reasons: ['Remote Desktop logon', 'source IP outside trusted ranges'] });
      expect(classifyWindows(rdp('203.0.113.7'), {}).severity).toBe('medium');
    });
    test('a bare address is that address alone (/32, /128); host bits set are read as the whole range (README)', () => {
      const written = { trustedNetworks: NetworkSet.parse(['192.0.2.7', '2001:db8::7', '10.0.0.5/24']) };
      const severity = (ip: string) => classifySsh(ssh('deploy', 'publickey', ip), written).severity;
      expect([severity('192.0.2.7'), severity('192.0.2.8')]).toEqual(['low', 'medium']);
      expect([severity('2001:db8::7'), severity('2001:db8::8')]).toEqual(['low', 'medium']);
      expect([severity('10.0.0.200'), severity('10.0.1.5')]).toEqual(['low', 'medium']);
    });
  });
});
