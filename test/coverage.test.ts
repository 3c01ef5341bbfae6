import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LoginAlerts, type LoginAlertsProps } from '../src';

/** The coverage run as the construct wires it: schedule, settings, read-only permissions, alarms, synth checks. */

function synth(props: Partial<LoginAlertsProps>) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const secure = logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure');
  const alerts = new LoginAlerts(stack, 'LoginAlerts', { sshLogGroups: [secure], ...props });
  return { stack, alerts, template: () => Template.fromStack(stack) };
}

function coverageFunction(template: Template): any {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('names the running instances') } });
  expect(Object.keys(fns)).toHaveLength(1);
  return Object.values(fns)[0].Properties;
}

function statements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('CoverageFunctionRole') }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('off by default', () => {
  const { alerts, template } = synth({});
  expect(alerts.coverageFunction).toBeUndefined();
  expect(template().findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('names the running instances') } })).toEqual({});
});

test('every 6 hours, with the subscribed SSH and Windows groups, the rules, the watched regions and the exemptions in its settings', () => {
  const { alerts, stack, template } = synth({
    receiveForwardedSignIns: true,
    reconcile: { regions: ['us-east-1'] },
    coverage: { regions: ['eu-north-1'], silentAfter: Duration.hours(48), exemptTags: { Role: 'bastion', Ephemeral: '*' }, systemsManager: false },
  });
  alerts.addWindowsLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Security', '/windows/security'));
  const t = template();
  t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)', State: 'ENABLED' });
  const fn = coverageFunction(t);
  expect(fn.Environment.Variables).toMatchObject({
    COVERAGE_REGIONS: 'eu-west-1,us-east-1,eu-north-1',
    COVERAGE_LOG_GROUPS: '/ec2/var/log/secure,/windows/security',
    COVERAGE_SILENT_AFTER_SECONDS: '172800',
    COVERAGE_MIN_AGE_SECONDS: '3600',
    COVERAGE_EXEMPT_TAGS: JSON.stringify({ Role: 'bastion', Ephemeral: '*' }),
    COVERAGE_SYSTEMS_MANAGER: 'false',
    COVERAGE_RULE_NAMES: { 'Fn::Join': ['', [{ Ref: expect.stringMatching('ConsoleLoginRule') }, ',', { Ref: expect.stringMatching('SessionEventsRule') }]] },
    COVERAGE_FORWARDED_BUS_ARN: { 'Fn::GetAtt': [expect.stringMatching('SignInEventBus'), 'Arn'] },
    LEDGER_TABLE_NAME: expect.anything(),
    ALERT_TOPIC_ARN: expect.anything(),
  });
  expect(fn.Timeout).toBe(600);
});

test('reads, never writes, what it checks; the ledger only on coverage# keys; publishes to the topic', () => {
  const { template } = synth({ coverage: {} });
  const s = statements(template());
  const sid = (id: string) => s.find((x) => x.Sid === id);
  expect(sid('ReadInstancesTrailsAndForwarders').Action).toEqual(expect.arrayContaining(['ec2:DescribeInstances', 'ssm:DescribeInstanceInformation', 'cloudtrail:GetTrailStatus']));
  expect(s.flatMap((x) => [x.Action].flat()).filter((a: string) => /:(Put|Create|Delete|Update|Start|Stop|Enable|Disable)/.test(a) && !['dynamodb:PutItem', 'logs:CreateLogStream', 'logs:PutLogEvents'].includes(a)))
    .toEqual([]);
  expect(JSON.stringify(sid('ReadLogStreams').Resource)).toContain(':logs:eu-west-1:123456789012:log-group:/ec2/var/log/secure:*"');
  expect(sid('LoginLedgerBatchRead').Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['coverage#*'] } });
  expect(sid('LoginLedgerConditionalWrites').Condition['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['coverage#*'] });
  expect(s.some((x) => x.Action === 'sns:Publish')).toBe(true);
});

test('alarms: uncovered hosts at the threshold, a region not watched, a problem, an error; figures from its summary line', () => {
  const { alerts, template } = synth({ coverage: { uncoveredHostsThreshold: 5 } });
  const t = template();
  t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.message = "coverage run" }', MetricTransformations: [Match.objectLike({ MetricValue: '$.uncoveredHosts' })] });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: Match.stringLikeRegexp('^CoverageUncoveredHosts-'), Threshold: 5, Statistic: 'Maximum', Period: 21600 });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: Match.stringLikeRegexp('^CoverageUncoveredRegions-'), Threshold: 1, TreatMissingData: 'ignore' });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: Match.stringLikeRegexp('^CoverageProblems-'), Threshold: 1 });
  t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.message = "coverage run" }', MetricTransformations: [Match.objectLike({ MetricValue: '$.silentAccounts' })] });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: Match.stringLikeRegexp('^CoverageSilentAccounts-'), Threshold: 1, TreatMissingData: 'ignore', AlarmDescription: Match.stringLikeRegexp('sent no heartbeat for 1 day'),
  });
  expect(alerts.alarms.filter((a) => a.node.path.includes('/Coverage/')).map((a) => a.node.id)).toEqual([
    'UncoveredHostsAlarm', 'UncoveredRegionsAlarm', 'ProblemAlarm', 'ErrorsAlarm', 'HeartbeatAlarm',
  ]);
});

test('heartbeats: every run asks its own ingest function for one; where the topic was created, the function receives them, and only them', () => {
  const { template } = synth({ organizationId: 'o-a1b2c3d4e5', coverage: { memberAccounts: ['210987654321'], heartbeatSilentAfter: Duration.hours(36) } });
  const t = template();
  const env = coverageFunction(t).Environment.Variables;
  expect(env).toMatchObject({
    COVERAGE_INGEST_FUNCTION: { 'Fn::GetAtt': [expect.stringMatching('IngestFunction'), 'Arn'] },
    COVERAGE_RECORDS_HEARTBEATS: 'true',
    COVERAGE_HEARTBEAT_SILENT_AFTER_SECONDS: '129600',
    COVERAGE_MEMBER_ACCOUNTS: '210987654321',
  });
  // Invoke on the ingest function alone (unqualified), nothing else.
  expect(statements(t).find((x) => x.Sid === 'AskIngestForHeartbeat')).toMatchObject({
    Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching('IngestFunction'), 'Arn'] },
  });
  t.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('CoverageFunction'), 'Arn'] }, FilterPolicy: { kind: ['heartbeat'] },
  });
});

test('a member (publishing to a given topic) sends heartbeats but records none, and has no heartbeat alarm', () => {
  const app = new App();
  const stack = new Stack(app, 'Member', { env: { account: '210987654321', region: 'eu-west-1' } });
  const topic = sns.Topic.fromTopicArn(stack, 'Central', 'arn:aws:sns:eu-west-1:123456789012:login-alerts');
  // A member may run daily: the silence is the topic owner's to judge.
  const alerts = new LoginAlerts(stack, 'LoginAlerts', { topic, coverage: { every: Duration.days(1) } });
  const t = Template.fromStack(stack);
  const env = coverageFunction(t).Environment.Variables;
  expect(env.COVERAGE_INGEST_FUNCTION).toBeDefined();
  expect(env.COVERAGE_RECORDS_HEARTBEATS).toBeUndefined();
  expect(t.findResources('AWS::SNS::Subscription')).toEqual({});
  expect(alerts.alarms.map((a) => a.node.id)).not.toContain('HeartbeatAlarm');
  // CloudTrail sources alone: no log group to read, and no empty statement for one.
  expect(statements(t).find((x) => x.Sid === 'ReadLogStreams')).toBeUndefined();
});

test.each([
  [{ every: Duration.minutes(30) }, /coverage.every must be between one hour and one day/],
  [{ silentAfter: Duration.minutes(10) }, /silentAfter.*at least one hour/],
  [{ regions: ['mars-1'] }, /"mars-1" is not an AWS region name/],
  [{ uncoveredHostsThreshold: 0 }, /uncoveredHostsThreshold.*at least 1/],
  [{ every: Duration.hours(13) }, /heartbeatSilentAfter \(heartbeat_silent_after in Python\) \(1 day\) must be at least twice coverage.every \(13 hours\)/],
  [{ memberAccounts: ['210987654321'] }, /memberAccounts .* are the member accounts of organizationId/],
])('refuses %j at synth', (coverage, message) => {
  expect(() => synth({ coverage })).toThrow(message);
});

test('refuses a member account that is not an account id', () => {
  expect(() => synth({ organizationId: 'o-a1b2c3d4e5', coverage: { memberAccounts: ['2109-8765'] } })).toThrow(/memberAccounts.*"2109-8765" is not a 12-digit account id/);
});

test('needs the ledger', () => {
  expect(() => synth({ coverage: {}, ledger: false })).toThrow(/coverage keeps what it last reported in the login ledger: it needs ledger/);
});

test('with the dashboard: a row of uncovered hosts, the figure its alarm watches', () => {
  const { template } = synth({ coverage: {}, dashboard: true });
  const [dashboard] = Object.values(template().findResources('AWS::CloudWatch::Dashboard'));
  const text = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  expect(text).toContain('Coverage: hosts nothing sees (silent or never seen)');
  expect(text).toMatch(/"cdk-login-alerts","CoverageUncoveredHosts-[0-9a-f]+"/);
});

test('with allLogGroups: the streams of the log groups under logGroupNamePrefixes too, never the library\'s own', () => {
  const { template } = synth({ allLogGroups: true, coverage: { logGroupNamePrefixes: ['/ec2/'] } });
  const t = template();
  const env = coverageFunction(t).Environment.Variables;
  expect(env.COVERAGE_LOG_GROUP_PREFIXES).toBe('/ec2/');
  expect(JSON.stringify(env.COVERAGE_EXCLUDED_LOG_GROUPS)).toMatch(/CoverageFunctionLogGroup/);
  const s = statements(t);
  expect(JSON.stringify(s.find((x) => x.Sid === 'ReadLogStreams').Resource)).toContain(':log-group:/ec2/*');
  expect(s.find((x) => x.Sid === 'ListLogGroups')).toMatchObject({ Action: 'logs:DescribeLogGroups', Resource: '*' });
  expect(() => synth({ coverage: { logGroupNamePrefixes: ['/ec2/'] } })).toThrow(/logGroupNamePrefixes \(log_group_name_prefixes in Python\) reads log groups of allLogGroups/);
});
