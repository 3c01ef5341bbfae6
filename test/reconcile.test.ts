import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LoginAlerts, type LoginAlertsProps } from '../src';

/** The reconciler as the construct wires it: schedule, settings, permissions, alarms, synth checks. */

function synth(props: Partial<LoginAlertsProps> | ((stack: Stack) => Partial<LoginAlertsProps>)) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const secure = logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure');
  const given = typeof props === 'function' ? props(stack) : props;
  const alerts = new LoginAlerts(stack, 'LoginAlerts', { sshLogGroups: [secure], ...given });
  return { stack, alerts, template: () => Template.fromStack(stack) };
}

function reconcilerEnvironment(template: Template): Record<string, unknown> {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('re-reads SSH log groups') } });
  expect(Object.keys(fns)).toHaveLength(1);
  return Object.values(fns)[0].Properties.Environment.Variables;
}

function reconcilerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReconcileFunctionRole') }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('off by default: no reconciler, no schedule', () => {
  const { alerts, template } = synth({});
  expect(alerts.reconcileFunction).toBeUndefined();
  template().resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }, 0);
});

test('runs hourly on the ingest function\'s settings plus its own: log groups, regions, event names, window', () => {
  const { alerts, stack, template } = synth({ trustedCidrs: ['198.51.100.0/24'], routingTagKeys: ['Team'], reconcile: { regions: ['us-east-1'] } });
  // Added after construction: re-read all the same.
  alerts.addSshLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Auth', '/ec2/var/log/auth.log'));
  const t = template();
  t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
  const env = reconcilerEnvironment(t);
  expect(env).toMatchObject({
    TRUSTED_CIDRS: '198.51.100.0/24',
    ROUTING_TAG_KEYS: 'Team',
    LEDGER_TABLE_NAME: expect.anything(),
    ALERT_TOPIC_ARN: expect.anything(),
    RECONCILE_LOG_GROUPS: '/ec2/var/log/secure,/ec2/var/log/auth.log',
    RECONCILE_REGIONS: 'eu-west-1,us-east-1',
    RECONCILE_EVENT_NAMES: 'ConsoleLogin,SwitchRole,PasswordRecoveryRequested,PasswordRecoveryCompleted,CredentialVerification,UserAuthentication,StartSession,ResumeSession,SendSSHPublicKey,SendSerialConsoleSSHPublicKey,OpenTunnel,ExecuteCommand,CreateSession,StartConnection',
    RECONCILE_INTERVAL_SECONDS: '3600',
    RECONCILE_OVERLAP_SECONDS: '1200',
  });
  expect(env).not.toHaveProperty('RECONCILE_LOG_GROUP_PREFIXES');
  t.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('re-reads'), Timeout: 900 });
  t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
});

test('reads only what it re-reads: FilterLogEvents on the SSH log groups, LookupEvents, and conditional ledger writes on claims and its checkpoint', () => {
  const { template } = synth({ reconcile: {} });
  const statements = reconcilerStatements(template());
  const read = statements.find((s) => s.Sid === 'ReadSshLogGroups');
  expect(read.Action).toBe('logs:FilterLogEvents');
  expect(JSON.stringify(read.Resource)).toContain('log-group:/ec2/var/log/secure:*');
  expect(statements.find((s) => s.Sid === 'ReadCloudTrailEventHistory')).toMatchObject({ Action: 'cloudtrail:LookupEvents', Resource: '*' });
  expect(statements.find((s) => s.Sid === 'ListLogGroups')).toBeUndefined();
  expect(statements.find((s) => s.Sid === 'LoginLedgerConditionalWrites')).toMatchObject({
    Action: 'dynamodb:PutItem',
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['repeat#*', 'alert#*', 'reconcile#*'] } },
  });
  expect(statements.find((s) => s.Sid === 'LoginLedgerBatchWrite')).toMatchObject({
    Action: 'dynamodb:BatchWriteItem',
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['push#*', 'login#*', 'source#*', 'person#*', 'place#*', 'travel#*', 'alert#*', 'factor#*', 'console#*'] } },
  });
  expect(statements.find((s) => s.Sid === 'LoginLedgerBatchRead')).toMatchObject({
    Action: 'dynamodb:BatchGetItem',
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['push#*', 'login#*', 'source#*', 'person#*', 'place#*', 'travel#*', 'alert#*', 'factor#*', 'console#*', 'repeat#*', 'reconcile#*'] } },
  });
  // No statement on the ledger without a key condition, other than the key's own.
  const ledgerStatements = statements.filter((s) => String(s.Action).startsWith('dynamodb:') || (Array.isArray(s.Action) && s.Action.some((a: string) => a.startsWith('dynamodb:'))));
  expect(ledgerStatements.map((s) => [s.Sid, Boolean(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'])])).toEqual([
    ['LoginLedgerBatchRead', true], ['LoginLedgerBatchWrite', true], ['LoginLedgerConditionalWrites', true],
  ]);
  expect(statements.find((s) => s.Action === 'sns:Publish')).toBeDefined();
});

test('the topic lets the reconciler publish, and still nobody else', () => {
  const { template } = synth({ reconcile: {} });
  template().hasResourceProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'DenyPublishingExceptIngestAndAlarms',
        Condition: {
          StringNotEquals: {
            'aws:PrincipalArn': [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunctionRole'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('ReconcileFunctionRole'), 'Arn'] },
            ],
            'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com',
          },
        },
      })]),
    },
  });
});

test('alarms on any recovery, any problem and any failed run, counted from its log lines, notifying the pipeline alarm topic', () => {
  const { alerts, template } = synth({ reconcile: { every: Duration.hours(6) } });
  const t = template();
  for (const message of ['login recovered by reconciliation', 'reconciliation problem']) {
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: `{ $.message = "${message}" }` });
  }
  const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter((a: any) => /reconciliation/.test(JSON.stringify(a.Properties.AlarmDescription)));
  expect(alarms).toHaveLength(3);
  expect(alerts.alarms.length).toBe(Object.keys(t.findResources('AWS::CloudWatch::Alarm')).length);
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmDescription: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('real-time path never alerted')])]) }),
    Threshold: 1,
    AlarmActions: Match.arrayWith([{ Ref: Match.stringLikeRegexp('PipelineAlarmTopic') }]),
  });
  t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
});

test('with allLogGroups, it reads the prefixes given, never the library\'s own or excluded log groups', () => {
  const { template } = synth({ allLogGroups: true, excludeLogGroups: ['/ec2/noisy'], reconcile: { logGroupNamePrefixes: ['/ec2/', '/bastion/'] } });
  const t = template();
  const env = reconcilerEnvironment(t);
  expect(env.RECONCILE_LOG_GROUP_PREFIXES).toBe('/ec2/,/bastion/');
  const excluded = JSON.stringify(env.RECONCILE_EXCLUDED_LOG_GROUPS);
  for (const own of ['IngestFunctionLogGroup', 'ReconcileFunctionLogGroup']) expect(excluded).toContain(own);
  expect(excluded).toContain('/ec2/noisy');
  const statements = reconcilerStatements(t);
  expect(JSON.stringify(statements.find((s) => s.Sid === 'ReadSshLogGroups').Resource)).toContain('log-group:/bastion/*');
  expect(statements.find((s) => s.Sid === 'ListLogGroups')).toMatchObject({ Action: 'logs:DescribeLogGroups' });
});

test('only the event names the construct watches are looked up', () => {
  const { template } = synth({ consoleSignIns: false, reconcile: {} });
  expect(reconcilerEnvironment(template()).RECONCILE_EVENT_NAMES).toBe('StartSession,ResumeSession,SendSSHPublicKey,SendSerialConsoleSSHPublicKey,OpenTunnel,ExecuteCommand,CreateSession,StartConnection');
  const { template: none } = synth({ consoleSignIns: false, sessionEvents: false, reconcile: {} });
  const statements = reconcilerStatements(none());
  expect(statements.find((s) => s.Sid === 'ReadCloudTrailEventHistory')).toBeUndefined();
});

test.each([
  [{ ledger: false, reconcile: {} }, /reconcile finds the logins that were never alerted in the login ledger: leave ledger on/],
  [{ reconcile: { every: Duration.minutes(5) } }, /reconcile.every must be between 15 minutes and one day: 5 minutes/],
  [{ reconcile: { every: Duration.days(2) } }, /reconcile.every must be between 15 minutes and one day/],
  [{ reconcile: { overlap: Duration.days(2) } }, /reconcile.overlap must be at most one day/],
  [{ reconcile: { regions: ['US East'] } }, /reconcile.regions: "US East" is not an AWS region name/],
  [{ reconcile: { logGroupNamePrefixes: ['/ec2/'] } }, /logGroupNamePrefixes \(log_group_name_prefixes in Python\) re-reads log groups of allLogGroups/],
  [{ allLogGroups: true, reconcile: { logGroupNamePrefixes: ['/ec2/ *'] } }, /"\/ec2\/ \*" is not a log group name prefix/],
] as Array<[Partial<LoginAlertsProps>, RegExp]>)('refused at synth: %j', (props, message) => {
  expect(() => synth(props)).toThrow(message);
});
