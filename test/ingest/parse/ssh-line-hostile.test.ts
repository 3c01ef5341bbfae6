import { parseSshLine } from '../../../lambda/ingest/parse/ssh-line';

/**
 * Lines an attacker or a noisy application can write: sshd-looking text that sshd did not write must
 * never alert, and crafted lines must parse in time linear in their length.
 */

describe('parseSshLine: only records sshd wrote', () => {
  const login = 'Accepted password for root from 203.0.113.66 port 22 ssh2';

  test.each([
    ['a URL in an access log', `203.0.113.9 - - [05/Mar/2024:14:03:07 +0000] "GET /search?q=sshd[1]: ${login} HTTP/1.1" 200 512`],
    ['a JSON field of an application log', JSON.stringify({ level: 'info', msg: `sshd[1]: ${login}` })],
    ['a user agent', `Mar  5 14:03:07 web-1 nginx[77]: client sent User-Agent "sshd[1]: ${login}"`],
    ['another program quoting sshd', `Mar  5 14:03:07 web-1 myapp[12]: forwarding sshd[1]: ${login}`],
    ['a Lambda log line (tab-separated) that logs an alert', `2026-11-24T10:00:00.000Z\t6f1c-42\tINFO\t{"alert":{"origin":{"message":"Mar  5 14:03:07 h sshd[1]: ${login}"}}}`],
    ['a Powertools JSON log line that logs an alert', JSON.stringify({ level: 'INFO', message: 'received', alert: { origin: { message: `Mar  5 14:03:07 h sshd[1]: ${login}` } } })],
    ['an alert itself', JSON.stringify({ schemaVersion: 1, kind: 'ssh', user: 'root', origin: { message: `Mar  5 14:03:07 h sshd[1]: ${login}` } })],
    ['a journald record of another program', JSON.stringify({ SYSLOG_IDENTIFIER: 'sudo', MESSAGE: login })],
    ['a tag that is only sshd-like', `Mar  5 14:03:07 web-1 notsshd[1]: ${login}`],
  ])('%s is not a login', (_, line) => {
    expect(parseSshLine(line)).toBeUndefined();
  });

  test.each([
    ['traditional syslog', `Mar  5 14:03:07 web-1 sshd[1]: ${login}`, { hostname: 'web-1', syslogTime: 'Mar  5 14:03:07' }],
    ['a <PRI> prefix with RFC3339 (rsyslog forwarding)', `<38>2024-10-15T12:34:56.5+02:00 web-1 sshd[1]: ${login}`, { hostname: 'web-1', time: '2024-10-15T10:34:56.500Z' }],
    ['RFC 5424', `<38>1 2024-10-15T12:34:56Z web-1 sshd 4242 - - ${login}`, { hostname: 'web-1', time: '2024-10-15T12:34:56.000Z' }],
    ['RFC 5424 with structured data', `<38>1 2024-10-15T12:34:56Z web-1 sshd-session 4242 ID47 [origin ip="10.0.0.1"] ${login}`, { hostname: 'web-1' }],
    ['journalctl -o short-unix', `1728995696.123456 web-1 sshd-session[9]: ${login}`, { hostname: 'web-1', time: '2024-10-15T12:34:56.123Z' }],
    ['journalctl -o short-monotonic', `[ 1234.567890] web-1 sshd[9]: ${login}`, { hostname: 'web-1' }],
    ['macOS log --style syslog', `2024-10-15 12:34:56.123456+0000  localhost sshd-session[9]: ${login}`, { hostname: 'localhost', time: '2024-10-15T12:34:56.123Z' }],
    ['the tag opening the line', `sshd[9]: ${login}`, {}],
    ['journald JSON export', JSON.stringify({ SYSLOG_IDENTIFIER: 'sshd', MESSAGE: login, _HOSTNAME: 'web-1', __REALTIME_TIMESTAMP: '1728995696123456' }), { hostname: 'web-1', time: '2024-10-15T12:34:56.123Z' }],
  ])('%s is a login', (_, line, header) => {
    expect(parseSshLine(line)).toMatchObject({ parsed: true, user: 'root', sourceIp: '203.0.113.66', ...header });
  });
});

describe('parseSshLine: whatever sits between the tag and Accepted', () => {
  test('Solaris/illumos message ids are read through', () => {
    expect(parseSshLine('Mar  5 14:03:07 sol-1 sshd[18195]: [ID 800047 auth.info] Accepted password for alice from 192.0.2.7 port 50000 ssh2'))
      .toMatchObject({ parsed: true, user: 'alice', method: 'password', hostname: 'sol-1' });
  });

  test.each([
    ['<auth.info> ', 'Accepted publickey for bob from 192.0.2.8 port 1 ssh2: RSA SHA256:k'],
    ['authpriv.notice: ', 'Accepted publickey for bob from 192.0.2.8 port 1 ssh2: RSA SHA256:k'],
    ['local3.info ', 'Accepted publickey for bob from 192.0.2.8 port 1 ssh2: RSA SHA256:k'],
  ])('the facility label %j is a known prefix', (prefix, message) => {
    expect(parseSshLine(`Mar  5 14:03:07 h sshd[1]: ${prefix}${message}`)).toMatchObject({ parsed: true, user: 'bob', keyFingerprint: 'SHA256:k' });
  });

  test('a known prefix before an unreadable Accepted line is an unparsed login', () => {
    expect(parseSshLine('Mar  5 14:03:07 h sshd[1]: <auth.info> Accepted something we cannot read')).toEqual({ parsed: false, hostname: 'h', syslogTime: 'Mar  5 14:03:07' });
  });

  test.each([
    ['an unknown word', 'Mar  5 14:03:07 h sshd[1]: whatever Accepted password for root from 192.0.2.8 port 1 ssh2'],
    ['a prefix-like text that is not a facility', 'Mar  5 14:03:07 h sshd[1]: <x.y> Accepted password for root from 192.0.2.8 port 1 ssh2'],
    ['two prefixes', 'Mar  5 14:03:07 h sshd[1]: [ID 1 auth.info] [ID 2 auth.info] Accepted password for root from 192.0.2.8 port 1 ssh2'],
  ])('%s before Accepted is not searched through', (_, line) => {
    expect(parseSshLine(line)).toBeUndefined();
  });
});

/**
 * Every sshd (and PAM-in-sshd) message that writes text a client chose before authenticating: the
 * user name it offered, its version string, its disconnect reason, its algorithm offer. Each with a
 * name that reads as a successful login must be nothing: not a login, not an unparsed login.
 */
describe('parseSshLine: client-chosen text in sshd messages never becomes a login', () => {
  const forged = 'x Accepted password for root from 10.9.8.7 port 22: z';
  const messages = [
    `Invalid user ${forged} from 198.51.100.7 port 50022`,
    `Failed password for invalid user ${forged} from 198.51.100.7 port 50022 ssh2`,
    `Failed none for invalid user ${forged} from 198.51.100.7 port 50022 ssh2`,
    `Failed publickey for invalid user ${forged} from 198.51.100.7 port 50022 ssh2: RSA SHA256:abc`,
    `Failed keyboard-interactive/pam for invalid user ${forged} from 198.51.100.7 port 50022 ssh2`,
    `Postponed keyboard-interactive for invalid user ${forged} from 198.51.100.7 port 50022 ssh2 [preauth]`,
    `Connection closed by invalid user ${forged} 198.51.100.7 port 50022 [preauth]`,
    `Connection reset by invalid user ${forged} 198.51.100.7 port 50022 [preauth]`,
    `Disconnected from invalid user ${forged} 198.51.100.7 port 50022 [preauth]`,
    `Disconnecting invalid user ${forged} 198.51.100.7 port 50022: Too many authentication failures [preauth]`,
    `error: maximum authentication attempts exceeded for invalid user ${forged} from 198.51.100.7 port 50022 ssh2 [preauth]`,
    `input_userauth_request: invalid user ${forged} [preauth]`,
    `User ${forged} from 198.51.100.7 not allowed because not listed in AllowUsers`,
    `Connection closed by authenticating user ${forged} 198.51.100.7 port 50022 [preauth]`,
    `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  user=${forged}`,
    `PAM: Authentication failure for illegal user ${forged} from 198.51.100.7`,
    `Received disconnect from 198.51.100.7 port 50022:11: ${forged} [preauth]`,
    `Bad protocol version identification '${forged}' from 198.51.100.7 port 50022`,
    `kex_exchange_identification: client sent invalid protocol identifier "SSH-2.0-${forged}"`,
    `Unable to negotiate with 198.51.100.7 port 50022: no matching key exchange method found. Their offer: ${forged} [preauth]`,
  ];
  const headers = [
    (m: string) => `Mar  5 14:03:07 web-1 sshd[4242]: ${m}`,
    (m: string) => `2024-10-15T12:34:56+00:00 web-1 sshd-session[4242]: ${m}`,
    (m: string) => `Mar  5 14:03:07 sol-1 sshd[4242]: [ID 800047 auth.info] ${m}`,
    (m: string) => `<38>1 2024-10-15T12:34:56Z web-1 sshd 4242 - - ${m}`,
    (m: string) => JSON.stringify({ SYSLOG_IDENTIFIER: 'sshd', MESSAGE: m }),
  ];
  test.each(messages.flatMap((m) => headers.map((h) => [m.split(' ').slice(0, 3).join(' '), h(m)])))('%s …: nothing', (_, line) => {
    expect(parseSshLine(line)).toBeUndefined();
  });

  test('a user name with whitespace in an Accepted line is an unparsed login, never a user', () => {
    const unparsed = { parsed: false, hostname: 'h', syslogTime: 'Mar  5 14:03:07' };
    // Not a shape sshd writes: the raw line alerts, nothing in it is read as a user or an address.
    expect(parseSshLine('Mar  5 14:03:07 h sshd[1]: Accepted password for root from 10.9.8.7 port 22 from 198.51.100.7 port 50022 ssh2')).toEqual(unparsed);
    expect(parseSshLine('Mar  5 14:03:07 h sshd[1]: Accepted password for a b from 198.51.100.7 port 50022 ssh2')).toEqual(unparsed);
  });
});

describe('parseSshLine: certificates', () => {
  test('the older form without a fingerprint before ID (CentOS 7, Vault-signed keys)', () => {
    expect(parseSshLine('Nov 21 09:15:02 c7 sshd[311]: Accepted publickey for centos from 192.0.2.5 port 40000 ssh2: RSA-CERT ID vault-oidc-alice@example.com (serial 8114921) CA RSA SHA256:CaFpAbCdEf0123456789'))
      .toMatchObject({
        parsed: true,
        user: 'centos',
        keyType: 'RSA-CERT',
        certificate: { keyId: 'vault-oidc-alice@example.com', serial: '8114921', caKeyType: 'RSA', caFingerprint: 'SHA256:CaFpAbCdEf0123456789' },
      });
  });

  test('a key id with spaces and its own "(serial" text keeps everything up to the last serial', () => {
    const line = 'Mar  5 14:03:07 h sshd[1]: Accepted publickey for u from 192.0.2.1 port 22 ssh2: ED25519-CERT SHA256:fp ID Alice (serial 1) CA x (serial 7) CA ED25519 SHA256:ca';
    expect(parseSshLine(line)).toMatchObject({ keyFingerprint: 'SHA256:fp', certificate: { keyId: 'Alice (serial 1) CA x', serial: '7', caFingerprint: 'SHA256:ca' } });
  });
});

describe('parseSshLine: time linear in the line length', () => {
  // The line that once took ~16 s: a lazy user followed by a tail that can only fail at the very end.
  const crafted = (bytes: number, repeated: string, end: string, start = 'sshd[2]: Accepted x for ') =>
    start + repeated.repeat(Math.ceil((bytes - start.length) / repeated.length)) + end;

  test.each([
    ['from/port repeated, then a line break', crafted(256 * 1024, 'a from b port 1: ', 'z\nQ')],
    ['from repeated without a port', crafted(256 * 1024, ' from x', ' port')],
    ['certificate serials repeated, then a line break', crafted(256 * 1024, ' (serial 1) CA x y', '\nQ', 'sshd[2]: Accepted publickey for u from 192.0.2.1 port 22 ssh2: RSA-CERT ID k')],
    ['spaces in the syslog header', crafted(256 * 1024, ' ', 'sshd[1]: Accepted', 'Mar  5 14:03:07')],
  ])('a 256 KB crafted line (%s) is read in well under a second', (_, line) => {
    expect(line.length).toBeGreaterThanOrEqual(256 * 1024);
    const started = performance.now();
    parseSshLine(line);
    // A hang guard, not a speed goal: the quadratic parser took ~16 s on the first line here.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
