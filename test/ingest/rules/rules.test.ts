import { AlertRules, wildcardMatch } from '../../../lambda/ingest/rules/rules';
import { applyRules, RULES_UNAVAILABLE_REASON } from '../../../lambda/ingest/rules/step';
import type { Alert } from '../../../lambda/shared/alert';
import { sshAlert } from '../../support/alerts';

/** deploy@web-1 (team payments, prod) from the CI range. */
const sshLogin = (overrides: Partial<Alert> = {}): Alert => sshAlert({
  id: '3795',
  user: 'deploy',
  sourceIp: '198.51.100.20',
  reasons: ['SSH login', 'source IP outside trusted ranges'],
  host: { instanceId: 'i-0abc123def4567890', name: 'web-1', tags: { Name: 'web-1', Team: 'payments', Environment: 'prod' } },
  ...overrides,
});

const rules = (json: unknown) => AlertRules.parse(JSON.stringify(json));
const deployFromCi = { name: 'deploy from CI', action: 'suppress', match: { kinds: ['ssh'], users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] } };

describe('suppress', () => {
  test('a login matching every condition is kept, as info, saying which rule held it back', () => {
    const alert = rules([deployFromCi]).apply(sshLogin());
    expect(alert).toMatchObject({
      severity: 'info',
      suppressed: { rule: 'deploy from CI' },
      reasons: ['SSH login', 'source IP outside trusted ranges', 'suppressed by rule "deploy from CI"'],
    });
    expect(alert.summary).toMatch(/^\[INFO\] SSH login: deploy@web-1/);
  });

  test('one condition that does not hold leaves the login alone', () => {
    const r = rules([deployFromCi]);
    for (const other of [sshLogin({ user: 'alice' }), sshLogin({ sourceIp: '203.0.113.7' }), sshLogin({ sourceIp: undefined }), sshLogin({ kind: 'console' })]) {
      expect(r.apply(other)).toEqual(other);
    }
  });

  test('a suppressed login is left alone by later rules', () => {
    const alert = rules([deployFromCi, { name: 'prod is serious', action: 'raise', match: { instanceTags: { Environment: 'prod' } } }]).apply(sshLogin());
    expect(alert.severity).toBe('info');
    expect(alert.reasons.at(-1)).toBe('suppressed by rule "deploy from CI"');
  });
});

describe('severity rules, in order', () => {
  test('raise, lower and set, each named in the reasons', () => {
    const alert = rules([
      { name: 'prod', action: 'raise', match: { instanceTags: { Environment: 'prod' } } },
      { name: 'payments', action: 'raise', match: { instanceTags: { Team: 'pay*' } } },
      { name: 'known CI', action: 'lower', match: { sourceCidrs: ['198.51.100.0/24'] } },
    ]).apply(sshLogin());
    expect(alert.severity).toBe('high'); // medium → high → critical → high
    expect(alert.reasons.slice(2)).toEqual(['raised by rule "prod"', 'raised by rule "payments"', 'lowered by rule "known CI"']);
    expect(alert.summary).toMatch(/^\[HIGH\]/);
    expect(rules([{ name: 'page me', action: 'set', severity: 'critical', match: { users: ['deploy'] } }]).apply(sshLogin()).severity).toBe('critical');
  });

  test('raise stops at critical and lower at low; the rule still says it matched', () => {
    expect(rules([{ name: 'up', action: 'raise', match: { users: ['deploy'] } }]).apply(sshLogin({ severity: 'critical' })).severity).toBe('critical');
    const lowered = rules([{ name: 'down', action: 'lower', match: { users: ['deploy'] } }]).apply(sshLogin({ severity: 'low' }));
    expect([lowered.severity, lowered.reasons.at(-1)]).toEqual(['low', 'lowered by rule "down"']);
  });
});

describe('conditions', () => {
  const match = (condition: object, alert: Alert) => rules([{ name: 'r', action: 'suppress', match: condition }]).apply(alert).suppressed !== undefined;

  test('actors: by name, email or ARN; a login without an actor never matches', () => {
    const attributed = sshLogin({ actor: { name: 'Alice Doe', email: 'alice@example.com', arn: 'arn:aws:iam::123456789012:user/alice', via: 'instance-connect' } });
    expect(match({ actors: ['Alice*'] }, attributed)).toBe(true);
    expect(match({ actors: ['*@example.com'] }, attributed)).toBe(true);
    expect(match({ actors: ['arn:aws:iam::*:user/alice'] }, attributed)).toBe(true);
    expect(match({ actors: ['Bob*'] }, attributed)).toBe(false);
    expect(match({ actors: ['*'] }, sshLogin())).toBe(false);
  });

  test('principalArns: CloudTrail caller or the actor', () => {
    const console = sshLogin({ kind: 'console', principal: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/ci-deployer/run-42' } });
    expect(match({ principalArns: ['arn:aws:sts::*:assumed-role/ci-*/*'] }, console)).toBe(true);
    expect(match({ principalArns: ['arn:aws:sts::*:assumed-role/admin/*'] }, console)).toBe(false);
  });

  test('accounts, outcomes, kinds', () => {
    expect(match({ accounts: ['123456789012'] }, sshLogin())).toBe(true);
    expect(match({ accounts: ['210987654321'] }, sshLogin())).toBe(false);
    expect(match({ outcomes: ['failure'] }, sshLogin())).toBe(false);
    expect(match({ kinds: ['ssh', 'console'], outcomes: ['success'] }, sshLogin())).toBe(true);
  });

  test('instanceTags: every tag must be there with a matching value; no host, no match', () => {
    expect(match({ instanceTags: { Team: 'payments', Environment: 'prod' } }, sshLogin())).toBe(true);
    expect(match({ instanceTags: { Team: 'payments', Environment: 'staging' } }, sshLogin())).toBe(false);
    expect(match({ instanceTags: { Owner: '*' } }, sshLogin())).toBe(false);
    expect(match({ instanceTags: { Team: '*' } }, sshLogin({ host: undefined }))).toBe(false);
  });

  test('IPv6 and IPv4-mapped sources', () => {
    expect(match({ sourceCidrs: ['2001:db8::/32'] }, sshLogin({ sourceIp: '2001:db8::5' }))).toBe(true);
    expect(match({ sourceCidrs: ['198.51.100.0/24'] }, sshLogin({ sourceIp: '::ffff:198.51.100.20' }))).toBe(true);
  });
});

describe('wildcards', () => {
  test('* matches any text, the rest literally and whole', () => {
    expect(wildcardMatch('deploy-*', 'deploy-prod')).toBe(true);
    expect(wildcardMatch('deploy-*', 'xdeploy-prod')).toBe(false);
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXXbYYc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXXbYY')).toBe(false);
  });

  test('a pattern of many stars against a long hostile value stays linear-ish (no backtracking blow-up)', () => {
    const value = 'a'.repeat(1024);
    const pattern = `${'a*'.repeat(20)}b`;
    // Correctness only: speed is measured by `npm run bench`, never asserted here.
    expect(wildcardMatch(pattern, value)).toBe(false);
  });
});

describe('the JSON form is checked, with messages that name the rule', () => {
  test.each([
    [[{ action: 'suppress', match: { users: ['x'] } }], 'ALERT_RULES[0] has no name'],
    [[{ name: 'all', action: 'suppress', match: {} }], 'rule "all" has no condition, so it would match every login'],
    [[{ name: 'k', action: 'suppress', match: { kinds: ['telnet'] } }], 'rule "k": unknown kind telnet'],
    [[{ name: 'c', action: 'suppress', match: { sourceCidrs: ['10.0.0.0/33'] } }], 'rule "c": sourceCidrs: "10.0.0.0/33" is not a CIDR range'],
    [[{ name: 'a', action: 'suppress', match: { accounts: ['12345'] } }], 'rule "a": accounts: 12345 is not a 12-digit account id'],
    [[{ name: 's', action: 'set', severity: 'info', match: { users: ['x'] } }], 'rule "s": severity "info" is not one of low, medium, high, critical'],
    [[{ name: 'x', action: 'mute', match: { users: ['x'] } }], 'rule "x": action "mute" is not one of suppress, raise, lower, set'],
    [[{ name: 'u', action: 'suppress', match: { usres: ['x'] } }], 'rule "u": unknown condition usres'],
    [[{ name: 'd', action: 'suppress', match: { users: ['x'] } }, { name: 'd', action: 'raise', match: { users: ['y'] } }], 'two rules are named "d"'],
  ])('%j', (json, message) => {
    expect(() => rules(json)).toThrow(message);
  });

  test('the object form { "rules": [...] } is read too (replay --rules files)', () => {
    expect(AlertRules.parse(JSON.stringify({ rules: [deployFromCi] })).size).toBe(1);
  });
});

test('rules that cannot be read never hold an alert back: it goes out unsuppressed, saying so', async () => {
  const result = await applyRules([sshLogin()], { load: async () => { throw new Error('AccessDenied'); } });
  expect(result.error).toBe('AccessDenied');
  expect(result.alerts).toHaveLength(1);
  expect(result.alerts[0]).toMatchObject({ severity: 'medium', reasons: ['SSH login', 'source IP outside trusted ranges', RULES_UNAVAILABLE_REASON] });
  expect(result.alerts[0].suppressed).toBeUndefined();
});

describe('where from: countries and networks', () => {
  const located = (country: string | undefined, asn?: number): Alert => sshLogin({
    geo: country === undefined && asn === undefined ? { network: 'private' } : { network: 'public', ...(country && { country }), ...(asn !== undefined && { asn }) },
  });

  test('"suppress the deploy user from our CI\'s network": asns with users', () => {
    const r = rules([{ name: 'deploy from CI', action: 'suppress', match: { users: ['deploy'], asns: [64500] } }]);
    expect(r.apply(located('DE', 64500)).suppressed).toEqual({ rule: 'deploy from CI' });
    expect(r.apply(located('DE', 64501)).suppressed).toBeUndefined();
    expect(r.apply(sshLogin()).suppressed).toBeUndefined(); // not located: never matches
  });

  test('"raise any root login from outside our countries": notCountries matches only located logins elsewhere', () => {
    const r = rules([{ name: 'root abroad', action: 'set', severity: 'critical', match: { users: ['root'], notCountries: ['DE', 'NL'] } }]);
    const root = (geo: Alert['geo']) => sshLogin({ user: 'root', geo });
    expect(r.apply(root({ network: 'public', country: 'FR' })).severity).toBe('critical');
    expect(r.apply(root({ network: 'public', country: 'NL' })).severity).toBe('medium');
    // A private address, or one the databases lack, is in no country: not "outside".
    expect(r.apply(root({ network: 'private' })).severity).toBe('medium');
    expect(r.apply(root({ network: 'public' })).severity).toBe('medium');
  });

  test('countries and notAsns', () => {
    const r = rules([{ name: 'home but not our ISP', action: 'raise', match: { countries: ['DE'], notAsns: [3320] } }]);
    expect(r.apply(located('DE', 64500)).severity).toBe('high');
    expect(r.apply(located('DE', 3320)).severity).toBe('medium');
    expect(r.apply(located('FR', 64500)).severity).toBe('medium');
  });
});
