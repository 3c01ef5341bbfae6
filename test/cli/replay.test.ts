import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AlertRule, LoginKind, Severity } from '../../src';
import { CLOUDTRAIL_FIXTURES, cloudTrailEvent, eksAuditEvent, windowsEvent } from '../support/fixtures';
import { ASN_CSV, COUNTRY_MMDB, farApart } from '../support/geo';
import { bundlePath } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/** The `cdk-login-alerts` command, run as a user runs it: a process on files, read through its output and exit code. */
const fixtures = join(__dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'replay-'));

function replay(...args: string[]) {
  const result = spawnSync(process.execPath, [bundlePath('cli'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n').filter(Boolean) };
}

describe('cdk-login-alerts replay', () => {
  test('auth logs: one line per login with its severity and reasons, nothing for other lines', () => {
    const run = replay('replay', join(fixtures, 'ssh', 'ubuntu-22.04-auth.log'), join(fixtures, 'ssh', 'debian-12-rfc3339-sshd-session.log'), '--trusted-cidr', '198.51.100.0/24');
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(3 + 4);
    expect(run.lines[1]).toMatch(/ HIGH {5}SSH login: bob@ip-10-0-1-23 from 2001:db8::5 \(password\) \(password login; source IP outside trusted ranges\)$/);
    expect(run.lines[2]).toMatch(/ MEDIUM {3}SSH login: carol@.* \(password login; source IP inside trusted ranges\)$/);
    // An OpenSSH certificate names its holder: one level lower, with the reason.
    expect(run.lines[3]).toMatch(/^2024-10-15T12:34:56\.123Z LOW {6}SSH login: deploy@ip-10-0-1-23 from 203\.0\.113\.7 \(publickey\) .*SSH certificate of deploy@ci\.example\.com\)$/);
    expect(run.lines.some((l) => l.includes('Unparsed SSH login line: unknown@ip-10-0-1-23'))).toBe(true);
    expect(run.stderr).toBe('7 alerts from 2 files (instance enrichment skipped: no AWS calls)\n');
  });

  test('client-chosen user names that read as logins are nothing; the real login beside them alerts', () => {
    const file = join(dir, 'forged-auth.log');
    writeFileSync(file, [
      'Mar  5 14:03:07 web-1 sshd[4242]: Invalid user x Accepted password for root from 10.9.8.7 port 22: z from 198.51.100.7 port 50022',
      'Mar  5 14:03:08 web-1 sshd[4242]: Failed password for invalid user x Accepted password for root from 10.9.8.7 port 22: z from 198.51.100.7 port 50022 ssh2',
      'Mar  5 14:03:09 web-1 sshd[4242]: Connection closed by invalid user x Accepted password for root from 10.9.8.7 port 22: z 198.51.100.7 port 50022 [preauth]',
      'Mar  5 14:03:10 web-1 sshd[4243]: Accepted publickey for ubuntu from 198.51.100.8 port 50100 ssh2: ED25519 SHA256:abc',
    ].join('\n'));
    const run = replay('replay', '--json', file);
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => JSON.parse(l)).map((a) => [a.user, a.sourceIp])).toEqual([['ubuntu', '198.51.100.8']]);
  });

  test('one Instance Connect push logged twice (sshd asks for the key twice) is one thing: one alert for the login, by root, critical', () => {
    const run = replay('replay', '--json', join(fixtures, 'ssh', 'ubuntu-24.04-instance-connect-twice.log'));
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => JSON.parse(l)).map((a) => [a.kind, a.severity, a.session?.requestId])).toEqual([
      ['ssh', 'critical', 'dbb3a856-9c4a-4d14-bcae-490dbe89717d'],
      ['instance-connect', 'low', '701e876d-1027-425a-98a8-36c36d6663e4'],
    ]);
  });

  test('a file it reads nothing in says what it reads and exits 1; a log with no login in it says so and exits 0', () => {
    const messages = join(dir, 'messages');
    writeFileSync(messages, 'Mar  5 14:03:07 web-1 systemd[1]: Started Session 1 of user ec2-user.\nMar  5 14:03:08 web-1 kernel: eth0: link up\n');
    const nothing = replay('replay', messages);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(`replay: ${messages}: nothing replay reads in its 2 lines: it reads sshd and ec2-instance-connect lines`);
    expect(nothing.stderr).toContain('journalctl -o short-iso');

    const quiet = join(dir, 'quiet-secure');
    writeFileSync(quiet, 'Mar  5 14:03:07 web-1 sshd[42]: Connection closed by 198.51.100.8 port 50100 [preauth]\n');
    const none = replay('replay', quiet);
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([0, `replay: ${quiet}: no login among its 1 sshd and Instance Connect lines`]);
  });

  test('--version prints the version and exits 0', () => {
    const run = replay('--version');
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect([run.code, run.stdout]).toEqual([0, `cdk-login-alerts ${version}\n`]);
  });

  test('replay … | head: the reader leaving is no crash', () => {
    const file = join(dir, 'many.log');
    writeFileSync(file, Array.from({ length: 20_000 }, (_, n) => `Mar  5 14:03:07 web-1 sshd[${n}]: Accepted publickey for u${n} from 198.51.100.8 port 50100 ssh2: ED25519 SHA256:k${n}`).join('\n'));
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${bundlePath('cli')}" replay "${file}" | head -n 1`], { encoding: 'utf8' });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
  });

  test('--json prints alert objects that conform to the schema', () => {
    const run = replay('replay', '--json', join(fixtures, 'ssh', 'amazon-linux-2-secure'), '--account', '111122223333', '--region', 'eu-west-1');
    const alerts = run.lines.map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.user, a.severity])).toEqual([['ec2-user', 'medium'], ['root', 'high'], ['alice@CORP.EXAMPLE.COM', 'medium'], ['backup', 'medium']]);
    for (const alert of alerts) {
      expect(alertSchemaErrors(alert)).toEqual([]);
      expect(alert).toMatchObject({ account: '111122223333', region: 'eu-west-1', origin: { logStream: 'amazon-linux-2-secure' } });
    }
  });

  test('CloudTrail: one EventBridge event, an array, JSON Lines and a gzipped log file with Records', () => {
    const details = CLOUDTRAIL_FIXTURES.map((name) => cloudTrailEvent(name).detail);
    const array = join(dir, 'events.json');
    writeFileSync(array, JSON.stringify(CLOUDTRAIL_FIXTURES.map(cloudTrailEvent)));
    const jsonLines = join(dir, 'events.jsonl');
    writeFileSync(jsonLines, CLOUDTRAIL_FIXTURES.map((name) => JSON.stringify(cloudTrailEvent(name))).join('\n'));
    const logFile = join(dir, '111122223333_CloudTrail_us-east-1_20261120T0805Z_abc.json.gz');
    const other = { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventID: 'x' };
    writeFileSync(logFile, gzipSync(JSON.stringify({ Records: [...details, other] })));

    expect(replay('replay', join(fixtures, 'cloudtrail', 'root-success-no-mfa.json')).lines).toEqual([
      '2026-11-20T08:01:02.000Z CRITICAL Console sign-in: root (no MFA) from 192.0.2.101 in 111122223333 (root user; no MFA)',
    ]);
    for (const file of [array, jsonLines, logFile]) {
      const run = replay('replay', file);
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(7);
    }
    const severities = replay('replay', '--json', logFile).lines.map((l) => JSON.parse(l).severity);
    expect(severities).toEqual(['critical', 'high', 'high', 'low', 'medium', 'low', 'low']);
  });

  test('unreadable input exits 2 with a clear message', () => {
    const missing = replay('replay', join(dir, 'missing.log'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cdk-login-alerts: cannot read .*missing\.log: ENOENT/);
    const corrupt = join(dir, 'corrupt.json.gz');
    writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x42, 0x42]));
    expect(replay('replay', corrupt)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^cdk-login-alerts: cannot read .*corrupt\.json\.gz: /) });
    expect(replay('replay', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('EISDIR') });
  });

  test('bad usage exits 2 with the usage; --help exits 0', () => {
    expect(replay()).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: cdk-login-alerts replay <file>...') });
    expect(replay('replay', 'x', '--trusted-cidr', 'office')).toMatchObject({ code: 2, stderr: 'cdk-login-alerts: --trusted-cidr office is not a CIDR range like 198.51.100.0/24\n' });
    expect(replay('replay', 'x', '--nope').code).toBe(2);
    expect(replay('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('See what would alert on your own logs') });
  });
});

describe('cdk-login-alerts replay: the time of each login', () => {
  function replayAt(modified: string, lines: string[]) {
    const file = join(dir, `times-${modified.replace(/\W/g, '')}.log`);
    writeFileSync(file, lines.join('\n') + '\n');
    utimesSync(file, new Date(modified), new Date(modified));
    const result = spawnSync(process.execPath, [bundlePath('cli'), 'replay', '--json', file], { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });
    return result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).time as string);
  }
  const accepted = 'sshd[1]: Accepted publickey for deploy from 192.0.2.1 port 22 ssh2: ED25519 SHA256:k';

  test('traditional syslog lines take their own time, in the latest year not after the file\'s time', () => {
    expect(replayAt('2026-01-02T08:00:00Z', [
      `Dec 31 23:59:59 h ${accepted}`,
      `Jan  2 07:59:00 h ${accepted}`,
      `Jan  2 09:00:00 h ${accepted}`,
      `Feb 29 12:00:00 h ${accepted}`,
    ])).toEqual(['2025-12-31T23:59:59.000Z', '2026-01-02T07:59:00.000Z', '2025-01-02T09:00:00.000Z', '2024-02-29T12:00:00.000Z']);
  });

  test('lines with a full date keep it, whatever the file\'s time', () => {
    expect(replayAt('2026-01-02T08:00:00Z', [
      `<38>2024-10-15T12:34:56+02:00 h ${accepted}`,
      `2024-03-05 14:03:07.5+0000  localhost ${accepted.replace('sshd[1]', 'sshd-session[9]')}`,
    ])).toEqual(['2024-10-15T10:34:56.000Z', '2024-03-05T14:03:07.500Z']);
  });
});

describe('cdk-login-alerts replay: sessions and Instance Connect', () => {
  test('CloudTrail session and Instance Connect records, and an auth log whose Instance Connect push attributes the login', () => {
    const trail = join(dir, 'sessions.json');
    writeFileSync(trail, JSON.stringify({ Records: ['ssm-start-session-shell', 'eic-send-ssh-public-key', 'eic-open-tunnel'].map((f) => cloudTrailEvent(f).detail) }));
    const run = replay('replay', '--json', trail, join(fixtures, 'ssh', 'amazon-linux-2023-instance-connect.log'));
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(alerts.map((a) => [a.kind, a.user, a.actor?.name ?? null])).toEqual([
      ['ssm-session', 'alice@example.com', 'alice@example.com'],
      ['instance-connect', 'ec2-user', 'alice@example.com'],
      ['instance-connect', 'carol', 'carol'],
      ['ssh', 'ec2-user', 'alice@example.com'],
      ['ssh', 'ec2-user', null],
      ['instance-connect', 'unknown', 'bob'],
    ]);
  });
});

describe('cdk-login-alerts replay: ECS Exec, CloudShell and Fleet Manager', () => {
  const DOORS = ['ecs-execute-command', 'ecs-execute-command-denied', 'cloudshell-create-session', 'fleet-manager-start-connection', 'ssm-start-session-fleet-manager', 'ssm-start-session-ssh'];
  const expected = [
    ['ecs-exec', 'success', 'alice@example.com', 'ECS Exec interactive command'],
    ['ecs-exec', 'failure', 'bob@example.com', 'ECS Exec interactive command'],
    ['cloudshell', 'success', 'carol', 'CloudShell session'],
    ['remote-desktop', 'success', 'dave', 'Fleet Manager Remote Desktop connection'],
    // Fleet Manager's own port-forwarding session (invokedBy ssm-guiconnect) is not a second alert.
    ['ssm-session', 'success', 'alice@example.com', 'SSM session (SSH over Session Manager)'],
  ];
  const summary = (alerts: any[]) => alerts.map((a) => [a.kind, a.outcome, a.actor?.name ?? a.user, a.reasons[0]]);

  test('from a CloudTrail log file', () => {
    const trail = join(dir, 'doors.json.gz');
    writeFileSync(trail, gzipSync(JSON.stringify({ Records: DOORS.map((f) => cloudTrailEvent(f).detail) })));
    const run = replay('replay', '--json', trail);
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(summary(alerts)).toEqual(expected);
    expect(alerts[0].container).toMatchObject({ cluster: 'prod', container: 'app', command: '/bin/sh' });
    expect(run.stdout).not.toContain('tokenValue');
  });

  test('from `aws cloudtrail lookup-events` output, each record a JSON string in CloudTrailEvent', () => {
    const looked = join(dir, 'lookup-events.json');
    // The CLI's shape: one entry per event with the record as a string (CloudTrail API reference, LookupEvents).
    writeFileSync(looked, JSON.stringify({
      Events: DOORS.map((f) => {
        const record = cloudTrailEvent(f).detail;
        return { EventId: record.eventID, EventName: record.eventName, ReadOnly: 'false', EventTime: record.eventTime, EventSource: record.eventSource, Resources: [], CloudTrailEvent: JSON.stringify(record) };
      }),
    }, null, 4));
    const run = replay('replay', '--json', looked);
    expect(run.code).toBe(0);
    expect(summary(run.lines.map((l) => JSON.parse(l)))).toEqual(expected);
  });
});

describe('cdk-login-alerts replay: Windows logons', () => {
  const summary = (alerts: any[]) => alerts.map((a) => [a.kind, a.outcome, a.severity, a.actor?.name ?? a.user, a.windows?.format]);

  test('from `wevtutil qe Security /f:xml` (one <Event> after another): the logons alert, the failure before the logon is counted and raises it', () => {
    const xml = join(dir, 'security.xml');
    const failure = windowsEvent('4625-rdp-wrong-password.xml');
    writeFileSync(xml, [windowsEvent('4624-service.xml'), failure, windowsEvent('4624-rdp.xml'), windowsEvent('4624-console-administrator.xml')].join('\n'));
    const people = join(dir, 'windows-people.json');
    writeFileSync(people, JSON.stringify({ people: [{ name: 'Alice Doe', windowsAccounts: ['CORP\\alice'] }] }));
    const run = replay('replay', '--json', '--people', people, xml);
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(summary(alerts)).toEqual([
      ['windows-logon', 'success', 'high', 'Alice Doe', 'xml'],
      ['windows-logon', 'success', 'high', 'WIN-GG82ULGC9GO\\Administrator', 'xml'],
    ]);
    expect(alerts[0].reasons).toContain('after 1 failed logon for this account from 198.51.100.23 (since 2026-11-30T09:13:41.091Z)');
    expect(run.stderr).toBe('1 failed Windows logon counted, not alerted (--windows-logon-failures alerts them)\n2 alerts from 1 file (instance enrichment skipped: no AWS calls)\n');

    const withFailures = replay('replay', '--json', '--windows-logon-failures', xml);
    expect(summary(withFailures.lines.map((l) => JSON.parse(l))).map((a) => a.slice(0, 2))).toEqual([['windows-logon', 'failure'], ['windows-logon', 'success'], ['windows-logon', 'success']]);
  });

  test('from `aws logs filter-log-events` output, in the agent\'s text format, one delivery per log stream', () => {
    const exported = join(dir, 'filter-log-events.json');
    writeFileSync(exported, JSON.stringify({
      events: [
        { logStreamName: 'i-0abc123def4567890', timestamp: Date.UTC(2026, 10, 30, 10), message: windowsEvent('4624-rdp-ntlm-administrator'), ingestionTime: 0, eventId: '1' },
        { logStreamName: 'i-0abc123def4567890', timestamp: Date.UTC(2026, 10, 30, 10, 1), message: windowsEvent('4624-network'), ingestionTime: 0, eventId: '2' },
        { logStreamName: 'i-0fedcba9876543210', timestamp: Date.UTC(2026, 10, 30, 10, 2), message: 'Nov 30 10:02:00 ip-10-0-1-23 sshd[1]: Accepted publickey for ec2-user from 203.0.113.40 port 53122 ssh2', ingestionTime: 0, eventId: '3' },
      ],
      searchedLogStreams: [],
    }));
    const run = replay('replay', '--json', exported);
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.id, a.kind, a.user, a.origin.logStream])).toEqual([
      ['1', 'windows-logon', 'EC2AMAZ-4QK2L7T\\Administrator', 'i-0abc123def4567890'],
      ['3', 'ssh', 'ec2-user', 'i-0fedcba9876543210'],
    ]);
    expect(alerts[0].time).toBe('2026-11-30T10:00:00.000Z');
  });
});

test('cdk-login-alerts replay --log-group: an EKS cluster\'s audit events exported with `aws logs filter-log-events`', () => {
  const exported = join(dir, 'eks-audit.json');
  const names = ['exec-interactive-received', 'exec-interactive-started', 'pods-list', 'exec-interactive-complete'];
  writeFileSync(exported, JSON.stringify({
    events: names.map((name, i) => ({ logStreamName: 'kube-apiserver-audit-0', timestamp: Date.UTC(2026, 10, 30, 11, 20, i), message: eksAuditEvent(name), eventId: `e${i}` })),
  }));
  const run = replay('replay', '--json', '--log-group', '/aws/eks/prod/cluster', exported);
  expect(run.code).toBe(0);
  expect(run.lines.map((l) => JSON.parse(l)).map((a) => [a.id, a.kind, a.pod.cluster, a.pod.command])).toEqual([['e1', 'kubernetes-exec', 'prod', '/bin/sh']]);
  // Without the group's name the events are not known to be a cluster's: nothing.
  expect(replay('replay', '--json', exported).lines).toEqual([]);
});

describe('cdk-login-alerts replay: Identity Center, root password recovery and role switches', () => {
  test('from `aws cloudtrail lookup-events` output: one alert per sign-in, its factor from its own step', () => {
    const looked = join(dir, 'sign-ins.json');
    const records = ['identity-center-credential-verification-totp', 'identity-center-user-authentication', 'identity-center-credential-verification-failure',
      'signin-password-recovery-requested', 'signin-switch-role'].map((f) => cloudTrailEvent(f).detail);
    const events = records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) }));
    writeFileSync(looked, JSON.stringify({ Events: events }));
    const run = replay('replay', '--json', looked);
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(alerts.map((a) => [a.kind, a.outcome, a.severity, a.actor?.name ?? a.user, a.reasons.at(-1)])).toEqual([
      ['identity-center-sign-in', 'success', 'low', 'demo-user-2', 'MFA used (TOTP)'],
      ['identity-center-sign-in', 'failure', 'medium', 'demo-user-2', 'failed IAM Identity Center sign-in (PASSWORD)'],
      ['password-recovery', 'success', 'critical', 'root', 'root password recovery requested'],
      ['switch-role', 'success', 'low', 'alice', 'console role switch'],
    ]);
  });
});

describe('cdk-login-alerts replay: across files, and with a people directory', () => {
  const FP = 'SHA256:xHh4gcvsFH82tWQNsUOYw9h+15BoTSm43KU9zWgfh5Q';

  function run(...args: string[]) {
    const result = spawnSync(process.execPath, [bundlePath('cli'), 'replay', '--json', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });
    return { code: result.status, stderr: result.stderr, alerts: result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  }

  test('CloudTrail\'s key push in one file attributes the SSH login in the instance\'s log in another', () => {
    const trail = join(dir, 'push.json');
    writeFileSync(trail, JSON.stringify(cloudTrailEvent('eic-send-ssh-public-key')));
    // Named as the CloudWatch agent names the stream: the instance id.
    const log = join(dir, 'i-0abc123def4567890');
    writeFileSync(log, `Nov 20 09:10:01 ip-10-0-1-23 sshd[1]: Accepted publickey for ec2-user from 203.0.113.40 port 53122 ssh2: ED25519 ${FP}\n`);
    utimesSync(log, new Date('2026-11-21T00:00:00Z'), new Date('2026-11-21T00:00:00Z'));
    const { code, alerts } = run(trail, log);
    expect(code).toBe(0);
    expect(alerts.map((a) => [a.kind, a.actor?.name, a.actor?.via, a.relatedAlertIds ?? null])).toEqual([
      ['instance-connect', 'alice@example.com', 'sso', null],
      ['ssh', 'alice@example.com', 'instance-connect', ['9c1d7e8f-2a3b-4c5d-9e6f-7a8b9c0d1e33']],
    ]);
  });

  test('--people names the person behind a key; a bad directory exits 2 with the reason', () => {
    const people = join(dir, 'people.json');
    writeFileSync(people, JSON.stringify({ people: [{ name: 'Alice Doe', email: 'alice@example.com', keyFingerprints: [FP] }] }));
    const log = join(dir, 'auth.log');
    writeFileSync(log, `Nov 20 09:10:01 web-1 sshd[1]: Accepted publickey for ubuntu from 203.0.113.40 port 53122 ssh2: ED25519 ${FP}\n`);
    expect(run('--people', people, log).alerts[0]).toMatchObject({ actor: { name: 'Alice Doe', email: 'alice@example.com', via: 'key-owner' }, severity: 'low' });
    writeFileSync(people, '{"people": [{"email": "x"}]}');
    const bad = run('--people', people, log);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--people .*people\.json: people directory: people\[0\] has no name/);
  });
});

describe('cdk-login-alerts replay --rules: try a rule on your own logs before deploying it', () => {
  function run(...args: string[]) {
    const result = spawnSync(process.execPath, [bundlePath('cli'), 'replay', '--json', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });
    return { code: result.status, stderr: result.stderr, alerts: result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  }
  const log = join(dir, 'ci-auth.log');
  writeFileSync(log, [
    'Nov 20 09:10:01 web-1 sshd[1]: Accepted publickey for deploy from 198.51.100.20 port 53122 ssh2',
    'Nov 20 09:11:01 web-1 sshd[2]: Accepted publickey for deploy from 203.0.113.9 port 53123 ssh2',
    'Nov 20 09:12:01 web-1 sshd[3]: Accepted password for root from 198.51.100.21 port 53124 ssh2',
  ].join('\n') + '\n');

  test('the JSON the construct passes to the function (AlertRule.toJson) is what --rules reads', () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([
      AlertRule.suppress({ name: 'deploy from CI', kinds: [LoginKind.SSH], users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] }).toJson(),
      AlertRule.severity({ name: 'root is critical', users: ['root'], severity: Severity.CRITICAL }).toJson(),
    ]));
    const { code, alerts } = run('--rules', rules, log);
    expect(code).toBe(0);
    expect(alerts.map((a) => [a.user, a.sourceIp, a.severity, a.suppressed ?? null, a.reasons.at(-1)])).toEqual([
      ['deploy', '198.51.100.20', 'info', { rule: 'deploy from CI' }, 'suppressed by rule "deploy from CI"'],
      // deploy has logged in before (from the CI range, suppressed but remembered): a new source raises it.
      ['deploy', '203.0.113.9', 'high', null, 'source 203.0.113.9 not seen for deploy in 90 days'],
      ['root', '198.51.100.21', 'critical', null, 'set to critical by rule "root is critical"'],
    ]);
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  });

  test('a bad rules file exits 2 and names the rule', () => {
    const rules = join(dir, 'bad-rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ name: 'everything', action: 'suppress', match: {} }] }));
    const bad = run('--rules', rules, log);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rules .*bad-rules\.json: rule "everything" has no condition, so it would match every login/);
  });
});

describe('cdk-login-alerts replay --geo-database: where from, as deployed', () => {
  /** An auth log of one user's logins on 2026-11-21 from web-1: [HH:MM, source] each. */
  const authLog = (name: string, user: string, logins: Array<[string, string]>) => {
    const file = join(dir, name);
    writeFileSync(file, logins.map(([time, ip], n) =>
      `2026-11-21T${time}:00Z web-1 sshd[${n + 1}]: Accepted publickey for ${user} from ${ip} port ${50001 + n} ssh2`).join('\n'));
    return file;
  };

  test('country and network on each login, a known person\'s new country raised, impossible travel within the hour; private addresses unlocated', () => {
    const { here, far } = farApart();
    const file = authLog('travel-auth.log', 'alice', [['09:00', here.ip], ['09:40', far.ip], ['09:50', '10.0.0.8']]);
    const run = replay('replay', file, '--json', '--geo-database', COUNTRY_MMDB, ...ASN_CSV.flatMap((csv) => ['--geo-database', csv]));
    expect(run.code).toBe(0);
    const alerts = run.lines.map((l) => JSON.parse(l));
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
    expect(alerts.map((a) => [a.geo?.country, a.geo?.asn, a.geo?.network])).toEqual([[here.country, here.asn, 'public'], [far.country, far.asn, 'public'], [undefined, undefined, 'private']]);
    expect(alerts[1].severity).toBe('high');
    expect(alerts[1].relatedAlertIds).toEqual([alerts[0].id]);
    expect(alerts[1].reasons.some((r: string) => r.startsWith(`impossible travel: from ${here.country} 40 minutes before`))).toBe(true);
    expect(alerts[1].reasons.some((r: string) => r.startsWith('first login from'))).toBe(true);
    // The text form names the place beside the login.
    const text = replay('replay', file, '--geo-database', COUNTRY_MMDB);
    expect(text.lines[0]).toContain(`[${new Intl.DisplayNames(['en'], { type: 'region' }).of(here.country)} (${here.country})]`);
    expect(text.lines[2]).toContain('[private network]');
  });

  test('trusted egress is no place; --travel-speed 0 turns travel off; mistakes are usage errors', () => {
    const { here, far } = farApart();
    const file = authLog('vpn-auth.log', 'bob', [['09:00', here.ip], ['09:10', far.ip]]);
    // Only the ASN case needs the ASN files (each run converts them, a few seconds).
    for (const flags of [['--trusted-egress', `${far.ip}/32`], ['--trusted-egress-asn', String(far.asn)], ['--travel-speed', '0']]) {
      const asn = flags[0] === '--trusted-egress-asn' ? ASN_CSV.flatMap((csv) => ['--geo-database', csv]) : [];
      const run = replay('replay', file, '--json', '--geo-database', COUNTRY_MMDB, ...asn, ...flags);
      const second = JSON.parse(run.lines[1]);
      expect([flags[0], second.history.impossibleTravel]).toEqual([flags[0], undefined]);
    }
    expect(replay('replay', file, '--geo-database', '/nowhere.mmdb').code).toBe(2);
    expect(replay('replay', file, '--trusted-egress', '10.0.0.0/8').stderr).toContain('need --geo-database');
    expect(replay('replay', file, '--geo-database', COUNTRY_MMDB, '--travel-speed', 'fast').stderr).toContain('--travel-speed fast is not a whole number');
  });
});
