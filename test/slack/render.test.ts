import { coverageAlert, coverageReport } from '../../lambda/host-coverage/report';
import type { Alert } from '../../lambda/shared/alert';
import { DEFAULT_MENTIONS, DEFAULT_TAG_KEYS, LIMITS, renderAlarm, renderAlert, SEVERITY_COLOURS } from '../../lambda/shared/slack/render';
import { fixtureAlerts } from '../support/alerts';

const options = { mentions: DEFAULT_MENTIONS, tagKeys: DEFAULT_TAG_KEYS };
let alerts: Alert[];
beforeAll(async () => { alerts = await fixtureAlerts(); });
const find = (predicate: (a: Alert) => boolean) => alerts.find(predicate)!;

/** Every string Slack will parse as mrkdwn in a payload (plain_text is shown literally). */
function mrkdwnTexts(payload: any): string[] {
  const texts: string[] = [payload.text];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (node.type === 'mrkdwn') texts.push(node.text);
      Object.values(node).forEach(walk);
    }
  };
  walk(payload.attachments);
  return texts;
}

/** Checks a payload against the Block Kit limits we promise. */
function expectWithinSlackLimits(payload: any): void {
  const blocks = payload.attachments.flatMap((a: any) => a.blocks);
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(payload.text.length).toBeLessThanOrEqual(LIMITS.text);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (block.type === 'section' && block.fields) {
      expect(block.fields.length).toBeLessThanOrEqual(LIMITS.fields);
      for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(LIMITS.field);
    }
    if (block.type === 'context') for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(LIMITS.context);
  }
}

describe('Slack rendering', () => {
  test('an SSH login: header, who/where/from/how/when/severity, raw line, amber for medium', () => {
    const payload: any = renderAlert(find((a) => a.user === 'ubuntu'), options);
    expect(payload.text).toBe('[MEDIUM] SSH login: ubuntu@web-1 from 203.0.113.7 (publickey)');
    const [attachment] = payload.attachments;
    expect(attachment.color).toBe(SEVERITY_COLOURS.medium);
    expect(attachment.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':large_orange_circle: SSH login: ubuntu@web-1 from 203.0.113.7', emoji: true } });
    const fields = attachment.blocks[1].fields.map((f: any) => f.text);
    expect(fields).toEqual([
      '*Who*\n`ubuntu`',
      '*Where*\n*web-1* i-0abc123def4567890\nenv=prod, team=payments\n123456789012 / eu-west-1',
      '*From*\n203.0.113.7 port 50522',
      '*How*\npublickey\nED25519 SHA256:Xq0wK8l2cPjZ2x1Hq3VbA7bqQm1gk3hQ3c5oCkqzQ0s',
      '*When*\n<!date^1795252502^{date_short_pretty} {time_secs}|2026-11-21T09:15:02.000Z>',
      '*Severity*\n*MEDIUM*: SSH login, source IP outside trusted ranges',
    ]);
    expect(attachment.blocks[2].elements[0].text).toMatch(/^`Mar {2}5 14:03:07 ip-10-0-1-23 sshd\[1234\]: Accepted publickey for ubuntu .*`\n\/ec2\/var\/log\/secure i-0abc123def4567890 · alert f0-0000$/);
  });

  test('a root console sign-in: red, @channel, "no MFA" in the header', () => {
    const payload: any = renderAlert(find((a) => a.kind === 'console' && a.user === 'root' && a.outcome === 'success'), options);
    expect(payload.text).toBe('<!channel> [CRITICAL] Console sign-in: root (no MFA) from 192.0.2.101 in 111122223333');
    expect(payload.attachments[0].color).toBe(SEVERITY_COLOURS.critical);
    expect(payload.attachments[0].blocks[0].text.text).toBe(':rotating_light: Console sign-in: root (no MFA) from 192.0.2.101');
    expect(payload.attachments[0].blocks[1].fields.map((f: any) => f.text)).toContain('*How*\n*no MFA*, Root');
  });

  test('high alerts mention @here, low ones nobody; green for low', () => {
    expect(renderAlert(find((a) => a.user === 'root' && a.kind === 'ssh'), options).text).toMatch(/^<!here> /);
    const low: any = renderAlert(find((a) => a.severity === 'low'), options);
    expect(low.text).not.toMatch(/<!/);
    expect(low.attachments[0].color).toBe('#2eb886');
  });

  test('mentions are configurable and can be turned off', () => {
    const alert = find((a) => a.severity === 'critical');
    expect(renderAlert(alert, { ...options, mentions: { critical: '<!subteam^SAZ94GDB8>' } }).text).toMatch(/^<!subteam\^SAZ94GDB8> /);
    expect(renderAlert(alert, { ...options, mentions: {} }).text).toMatch(/^\[CRITICAL\]/);
  });

  test('every fixture alert renders within Block Kit limits with a fallback text', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(17);
    for (const alert of alerts) {
      const payload: any = renderAlert(alert, options);
      expectWithinSlackLimits(payload);
      expect(payload.attachments[0].fallback).toBe(alert.summary);
    }
  });

  test('severity colours: green low, amber medium and high, red critical', () => {
    expect(SEVERITY_COLOURS.low).toBe('#2eb886');
    expect([SEVERITY_COLOURS.medium, SEVERITY_COLOURS.high].every((c) => /^#(da|e8)/.test(c))).toBe(true);
    expect(SEVERITY_COLOURS.critical).toBe('#a30200');
  });
});

describe('where from', () => {
  const located = (geo: Alert['geo']) => ({ ...find((a) => a.user === 'ubuntu'), geo }) as Alert;
  const fromField = (alert: Alert) => (renderAlert(alert, options) as any).attachments[0].blocks[1].fields[2].text;

  test('the flag, the country and the network under the address', () => {
    expect(fromField(located({ network: 'public', country: 'DE', countryName: 'Germany', asn: 3320, asOrg: 'Deutsche Telekom AG', source: 'iptoasn-country + asn', date: '2026-06-17' })))
      .toBe('*From*\n203.0.113.7 port 50522\n🇩🇪 Germany (DE), AS3320 Deutsche Telekom AG');
    expect(fromField(located({ network: 'private' }))).toBe('*From*\n203.0.113.7 port 50522\nprivate network');
    expect(fromField(located({ network: 'public', country: 'NL', countryName: 'Netherlands', trustedEgress: true })))
      .toBe('*From*\n203.0.113.7 port 50522\n🇳🇱 Netherlands (NL) (trusted egress)');
    expect(fromField(located({ network: 'public' }))).toBe('*From*\n203.0.113.7 port 50522\nnot in the IP databases');
  });

  test('a network organisation (registry text its owner wrote) is escaped like any other', () => {
    const text = fromField(located({ network: 'public', asn: 64500, asOrg: '<!channel> <https://evil.example|ISP>' }));
    expect(text).toBe('*From*\n203.0.113.7 port 50522\nAS64500 &lt;!channel&gt; &lt;https://evil.example|ISP&gt;');
  });
});

describe('Slack escaping: log-derived text never mentions or links', () => {
  const hostile = ['<!channel>', '<!here|here>', '<@U024BE7LH>', '<https://evil.example|click>', '<!subteam^S1>', 'a&b<c>d'];
  test.each(hostile)('a user named %s shows as text', (name) => {
    const alert = find((a) => a.user === 'ubuntu');
    const payload = renderAlert({ ...alert, user: name, summary: `[MEDIUM] SSH login: ${name}@web-1`, host: { ...alert.host, name, tags: { env: name } } } as Alert, options);
    for (const text of mrkdwnTexts(payload)) {
      // The only markup left is our own date token (the time, not log text).
      const withoutDate = text.replace(/<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[0-9TZ:.-]+>/g, '');
      expect(withoutDate).not.toMatch(/<[!@#]|<https?:/);
      expect(withoutDate.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[<>&]/);
    }
  });

  test('the IAM user named <!channel> in the fixtures is shown escaped', () => {
    const payload: any = renderAlert(find((a) => a.user === '<!channel>'), options);
    expect(payload.attachments[0].blocks[1].fields[0].text).toContain('`&lt;!channel&gt;`');
    expect(payload.text).toBe('[LOW] Console sign-in: &lt;!channel&gt; from 2001:db8:abcd::17 in 111122223333');
  });

  test('huge values are cut with a marker, never rejected, and never split an entity', () => {
    const alert = find((a) => a.user === 'ubuntu');
    const huge = { ...alert, user: '<'.repeat(5000), origin: { ...alert.origin, message: '&'.repeat(20_000) }, reasons: ['x'.repeat(5000)], summary: 's'.repeat(5000) } as Alert;
    const payload: any = renderAlert(huge, options);
    expectWithinSlackLimits(payload);
    expect(payload.attachments[0].blocks[2].elements[0].text).toContain('… (cut)');
    for (const text of mrkdwnTexts(payload)) expect(text).not.toMatch(/&(a|am|l|g)?(?![a-z]*;)(?=…)/);
  });
});

describe('Slack rendering of pipeline alarms', () => {
  test('ALARM says the pipeline is degraded, in red, with @here', () => {
    const payload: any = renderAlarm({ alarmName: 'LoginAlerts-SlackDeadLetters', newState: 'ALARM', oldState: 'OK', reason: 'Threshold Crossed' });
    expect(payload.text).toBe('<!here> Login alerting pipeline degraded: LoginAlerts-SlackDeadLetters');
    expect(payload.attachments[0].color).toBe(SEVERITY_COLOURS.critical);
    expect(payload.attachments[0].blocks[0].text.text).toBe(':warning: Login alerting pipeline degraded');
    expectWithinSlackLimits(payload);
  });
  test('OK says it recovered, in green, without a mention', () => {
    const payload: any = renderAlarm({ alarmName: 'LoginAlerts-SlackDeadLetters', newState: 'OK' });
    expect(payload.text).toBe('Login alerting pipeline recovered: LoginAlerts-SlackDeadLetters');
    expect(payload.attachments[0].color).toBe(SEVERITY_COLOURS.low);
  });
});

describe('spoofing through untrusted values', () => {
  test('a Name tag with new lines and bold cannot write a fake "Severity: LOW" line', () => {
    const base = find((a) => a.kind === 'ssh' && a.host?.name === 'web-1');
    const spoof = 'web-1\n*Severity*\nLOW: routine, no action needed';
    const payload: any = renderAlert({ ...base, host: { ...base.host, name: spoof }, summary: `[HIGH] SSH login: root@${spoof}` }, options);
    const where = payload.attachments[0].blocks[1].fields.find((f: any) => f.text.startsWith('*Where*')).text;
    expect(where).toContain('web-1 ⏎ ∗Severity∗ ⏎ LOW: routine, no action needed');
    expect(where.split('\n').some((line: string) => line.startsWith('LOW'))).toBe(false);
    expect(payload.text).not.toContain('\n');
    expect(payload.text).toContain('∗Severity∗');
    expect(payload.attachments[0].blocks[0].text.text).not.toContain('\n');
  });

  test('bidirectional overrides and zero-width characters are shown, not applied', () => {
    const base = find((a) => a.kind === 'ssh');
    const payload: any = renderAlert({ ...base, user: 'adm\u202enimda\u200b', summary: 'x' }, options);
    const who = payload.attachments[0].blocks[1].fields[0].text;
    expect(who).toContain('`adm[U+202E]nimda[U+200B]`');
  });

  test('underscores inside names stay, underscores that could open italics do not', () => {
    const base = find((a) => a.kind === 'ssh');
    const payload: any = renderAlert({ ...base, principal: { type: 'IAMUser', arn: 'deploy_bot _x_' } }, options);
    expect(mrkdwnTexts(payload).join('\n')).toContain('deploy_bot ˍxˍ');
  });
});

describe('a coverage report', () => {
  const report = (name: string): Alert => {
    const alert = coverageAlert(coverageReport(state(name), change), change, { account: '123456789012', region: 'eu-west-1', nowMs: Date.UTC(2026, 11, 3) });
    return alert;
  };
  const host = (instanceId: string, name: string) => ({ instanceId, region: 'eu-west-1', status: 'never-seen' as const, reason: 'no log stream: is the CloudWatch agent installed?', name });
  const state = (name: string) => ({
    reported: [],
    regions: {
      'eu-west-1': {
        checkedAt: 0,
        hosts: [host('i-0aaaaaaaaaaaaaaa1', name)],
        hostKeys: ['eu-west-1/i-0aaaaaaaaaaaaaaa1'],
        problems: [],
        counts: { covered: 4, silent: 0, neverSeen: 1, exempt: 1, tooNew: 0 },
      },
      'us-east-1': {
        checkedAt: 0,
        hosts: [],
        hostKeys: [],
        problems: [{ key: 'no-trail', text: 'no CloudTrail trail covers us-east-1' }],
        counts: { covered: 0, silent: 0, neverSeen: 0, exempt: 0, tooNew: 0 },
      },
    },
  });
  const change = { uncovered: ['eu-west-1/i-0aaaaaaaaaaaaaaa1', 'us-east-1: no-trail'], newlyUncovered: ['eu-west-1/i-0aaaaaaaaaaaaaaa1', 'us-east-1: no-trail'], coveredAgain: [] };

  test('lists what went dark, each dark host with why, and each region\'s problem, within Slack\'s limits', () => {
    const payload: any = renderAlert(report('payments-1'), options);
    expectWithinSlackLimits(payload);
    const text = mrkdwnTexts(payload).join('\n');
    expect(text).toContain('*Newly dark* (2)');
    expect(text).toContain('• eu-west-1/i-0aaaaaaaaaaaaaaa1 *payments-1*: no log stream: is the CloudWatch agent installed?');
    expect(text).toContain('• us-east-1: no CloudTrail trail covers us-east-1');
    expect(text).toContain('4 covered, 1 exempt, 0 too new to judge · 2 regions');
    expect(payload.text).toBe('Coverage: 1 host and 1 region not watched (2 new, 0 covered again)');
  });

  test('names each deployment whose heartbeat stopped, and each expected account never heard from', () => {
    const silent = {
      ...state('web-1'),
      accounts: [
        { account: '210987654321', region: 'eu-west-1', lastHeartbeatAt: '2026-12-02T06:00:00.000Z', reason: 'no heartbeat since 2026-12-02T06:00:00.000Z: is it still deployed?' },
        { account: '333333333333', reason: 'never sent a heartbeat: deploy LoginAlerts there' },
      ],
    };
    const withAccounts = { ...change, uncovered: [...change.uncovered, 'heartbeat: 210987654321/eu-west-1'], newlyUncovered: ['heartbeat: 210987654321/eu-west-1'] };
    const alert = coverageAlert(coverageReport(silent, withAccounts), withAccounts, { account: '123456789012', region: 'eu-west-1', nowMs: Date.UTC(2026, 11, 3) });
    const payload: any = renderAlert(alert, options);
    expectWithinSlackLimits(payload);
    const text = mrkdwnTexts(payload).join('\n');
    expect(text).toContain('*Deployments without a heartbeat* (2)');
    expect(text).toContain('• 210987654321/eu-west-1: no heartbeat since 2026-12-02T06:00:00.000Z');
    expect(text).toContain('• 333333333333: never sent a heartbeat');
    expect(alert.reasons).toContain('1 deployment stopped sending heartbeats');
    expect(payload.text).toBe('Coverage: 1 host and 1 region not watched, 2 deployments silent (1 new, 0 covered again)');
  });

  test.each(['<!channel>', '<https://evil.example|click>'])('a host named %s (its Name tag is anyone\'s with ec2:CreateTags) shows as text', (name) => {
    for (const text of mrkdwnTexts(renderAlert(report(name), options))) expect(text).not.toMatch(/<[!@#]|<https?:/);
  });
});
