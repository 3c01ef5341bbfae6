import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlertRule, LoginAlerts, LoginKind, LoginOutcome, Severity } from '../src';

/**
 * Noise-control rules as the construct takes them: typed, checked when written (messages name the
 * rule and the property as TypeScript and Python write it), handed to the ingest function in the
 * environment, or as an S3 asset when they would not fit Lambda's 4 KB of environment.
 */
const stackWith = (rules: AlertRule[]) => {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', { rules });
  return { stack, alerts, template: Template.fromStack(stack) };
};
const ingestEnvironment = (template: Template) => {
  const [ingest] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('turns SSH logins') } }));
  return ingest.Properties.Environment.Variables;
};

test('rules travel to the ingest function as JSON, in order, in the form replay --rules reads', () => {
  const rules = [
    AlertRule.suppress({ name: 'deploy from CI', kinds: [LoginKind.SSH], users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] }),
    AlertRule.raise({ name: 'prod', instanceTags: { Environment: 'prod' } }),
    AlertRule.lower({ name: 'break-glass drill', principalArns: ['arn:aws:iam::*:role/drill-*'], outcomes: [LoginOutcome.SUCCESS] }),
    AlertRule.severity({ name: 'root', users: ['root'], severity: Severity.CRITICAL }),
  ];
  const { template } = stackWith(rules);
  expect(JSON.parse(ingestEnvironment(template).ALERT_RULES)).toEqual([
    { name: 'deploy from CI', action: 'suppress', match: { kinds: ['ssh'], users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] } },
    { name: 'prod', action: 'raise', match: { instanceTags: { Environment: 'prod' } } },
    { name: 'break-glass drill', action: 'lower', match: { principalArns: ['arn:aws:iam::*:role/drill-*'], outcomes: ['success'] } },
    { name: 'root', action: 'set', severity: 'critical', match: { users: ['root'] } },
  ]);
});

test('the same rules make the same ALERT_RULES whatever order their conditions are written in (Python passes them sorted)', () => {
  const asWritten = AlertRule.suppress({ name: 'r', users: ['deploy'], sourceCidrs: ['10.0.0.0/8'], instanceTags: { Team: 'a', Env: 'prod' } });
  const sorted = AlertRule.suppress({ instanceTags: { Env: 'prod', Team: 'a' }, name: 'r', sourceCidrs: ['10.0.0.0/8'], users: ['deploy'] });
  expect(JSON.stringify(sorted.toJson())).toBe(JSON.stringify(asWritten.toJson()));
});

test('no rules: no ALERT_RULES', () => {
  expect(ingestEnvironment(stackWith([]).template).ALERT_RULES).toBeUndefined();
});

test('a rule set too large for the environment goes as an S3 asset the function alone may read', () => {
  const rules = Array.from({ length: 60 }, (_, i) => AlertRule.suppress({ name: `team ${i} deploy user`, users: [`deploy-team-${i}`], sourceCidrs: ['10.0.0.0/8'] }));
  const { template } = stackWith(rules);
  const value: string = JSON.stringify(ingestEnvironment(template).ALERT_RULES);
  expect(value).toMatch(/s3:\/\//);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadAlertRules', Action: 's3:GetObject' })]) },
  });
  // What Lambda allows for all variables together.
  expect(Buffer.byteLength(JSON.stringify(ingestEnvironment(template)))).toBeLessThan(4096);
});

describe('mistakes fail when the rule is written, naming the rule', () => {
  test.each([
    [() => AlertRule.suppress({ name: 'everything' }), 'rule "everything" has no condition, so it would match every login'],
    [() => AlertRule.suppress({ name: ' ', users: ['x'] }), 'AlertRule has no name'],
    [() => AlertRule.suppress({ name: 'office', sourceCidrs: ['10.0.0.0/33'] }), 'rule "office": sourceCidrs (source_cidrs in Python): "10.0.0.0/33" is not a CIDR range'],
    [() => AlertRule.suppress({ name: 'acct', accounts: ['1234'] }), 'rule "acct": accounts: 1234 is not a 12-digit account id'],
    [() => AlertRule.suppress({ name: 'empty', users: [] }), 'rule "empty": users must be a non-empty list'],
    [() => AlertRule.suppress({ name: 'tags', instanceTags: {} }), 'rule "tags": instanceTags (instance_tags in Python) must map tag keys to values'],
    [() => AlertRule.raise({ name: 'abroad', notCountries: ['de'] }), 'rule "abroad": notCountries (not_countries in Python): "de" is not an ISO 3166-1 alpha-2 country code like DE'],
    [() => AlertRule.suppress({ name: 'ci', asns: [1.5] }), 'rule "ci": asns must be a non-empty list of AS numbers'],
    [() => AlertRule.suppress({ name: 'ci', notAsns: [] }), 'rule "ci": notAsns (not_asns in Python) must be a non-empty list of AS numbers'],
    [() => AlertRule.severity({ name: 'quiet', users: ['x'], severity: Severity.INFO }), 'rule "quiet": severity "info" is not one of low, medium, high, critical (a rule that should hide a login suppresses it)'],
  ])('%#', (write, message) => {
    expect(write).toThrow(message);
  });

  test('two rules of one name', () => {
    expect(() => stackWith([AlertRule.suppress({ name: 'ci', users: ['a'] }), AlertRule.raise({ name: 'ci', users: ['b'] })]))
      .toThrow('two rules are named "ci"');
  });
});
