import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { LoginAlerts, PeopleDirectory, type LoginAlertsProps } from '../src';

function synth(props: LoginAlertsProps | ((stack: Stack) => LoginAlertsProps) = {}, region = 'us-east-1') {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region } });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', typeof props === 'function' ? props(stack) : props);
  return { stack, alerts, template: Template.fromStack(stack) };
}

const logGroups = (stack: Stack, n: number) =>
  Array.from({ length: n }, (_, i) => logs.LogGroup.fromLogGroupName(stack, `Group${i}`, `/ec2/host-${i}/var/log/secure`));

describe('LoginAlerts: the topic', () => {
  test('is encrypted with a rotating customer-managed key and refuses publishing without TLS', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a given topic is used as is: no key, no new topic', () => {
    const { template, alerts, stack } = synth((s) => ({ topic: sns.Topic.fromTopicArn(s, 'Existing', 'arn:aws:sns:us-east-1:123456789012:existing') }));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourcePropertiesCountIs('AWS::KMS::Key', { Description: Match.stringLikeRegexp('topic') }, 0);
    expect(alerts.topicKey).toBeUndefined();
    expect(stack.resolve(alerts.topic.topicArn)).toBe('arn:aws:sns:us-east-1:123456789012:existing');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:existing' }) } });
  });
});

describe('LoginAlerts: the ingest function', () => {
  test('runs the prebuilt bundle on the latest Node.js runtime on ARM64, with the documented environment', () => {
    const { template } = synth({ trustedCidrs: ['198.51.100.0/24', '2001:db8::/32'], instanceCacheTtl: Duration.minutes(10) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'),
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('Topic') },
          TRUSTED_CIDRS: '198.51.100.0/24,2001:db8::/32',
          ENRICH_INSTANCES: 'true',
          ENRICH_TASKS: 'true',
          INSTANCE_CACHE_TTL_SECONDS: '600',
        },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('IngestFunctionLogGroup') } },
    });
  });

  test('logs to its own log group, kept one year by default or as configured', () => {
    synth().template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    synth({ logRetention: logs.RetentionDays.ONE_MONTH }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('may write its logs, publish to its topic with its key, use the ledger in batches, describe instances and tasks and dead-letter, nothing more', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('IngestFunctionRole') }],
      PolicyDocument: {
        Statement: [
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunctionLogGroup'), 'Arn'] } },
          { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('Topic') } },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('TopicKey'), 'Arn'] } },
          {
            Sid: 'LoginLedgerBatchRead',
            Action: 'dynamodb:BatchGetItem',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['push#*', 'login#*', 'source#*', 'person#*', 'place#*', 'travel#*', 'alert#*', 'factor#*', 'console#*', 'repeat#*'] } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Ledger'), 'Arn'] },
          },
          {
            // Never review# (a review's state), repeat# or reconcile# (written only on condition).
            Sid: 'LoginLedgerBatchWrite',
            Action: 'dynamodb:BatchWriteItem',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['push#*', 'login#*', 'source#*', 'person#*', 'place#*', 'travel#*', 'alert#*', 'factor#*', 'console#*'] } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Ledger'), 'Arn'] },
          },
          {
            Sid: 'LoginLedgerConditionalWrites',
            Action: 'dynamodb:PutItem',
            Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:EnclosingOperation': ['TransactWriteItems'] }, 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['repeat#*'] } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Ledger'), 'Arn'] },
          },
          { Sid: 'LoginLedgerKey', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('LedgerKey'), 'Arn'] } },
          { Sid: 'DescribeInstancesForEnrichment', Action: 'ec2:DescribeInstances', Effect: 'Allow', Resource: '*' },
          {
            Sid: 'DescribeTasksForEnrichment',
            Action: 'ecs:DescribeTasks',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:*:123456789012:task/*']] },
          },
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestDeadLetterQueue'), 'Arn'] } },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterKey'), 'Arn'] } },
        ],
      },
    });
    // No AWS-managed policy (AWSLambdaBasicExecutionRole would allow logs on every log group).
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({}), ManagedPolicyArns: Match.absent() });
  });

  test('the topic lets only the ingest role and this account\'s CloudWatch alarms publish', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
          Match.objectLike({
            Sid: 'DenyPublishingExceptIngestAndAlarms',
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: { AWS: '*' },
            Condition: { StringNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunctionRole'), 'Arn'] }, 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('topic'),
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
  });

  test('without enrichment it may not call EC2', () => {
    const { template } = synth({ enrichInstances: false });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ENRICH_INSTANCES: 'false' }) } });
  });

  test('without task enrichment it may not call ECS', () => {
    const { template } = synth({ enrichTasks: false });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ecs:');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ENRICH_TASKS: 'false' }) } });
  });

  test('resolving Identity Center user ids is opt-in: only then may it call DescribeUser, on this account\'s stores', () => {
    expect(JSON.stringify(synth().template.findResources('AWS::IAM::Policy'))).not.toContain('identitystore:');
    const { template } = synth({ resolveIdentityCenterUsers: true });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RESOLVE_IDENTITY_CENTER_USERS: 'true' }) } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'DescribeUserForNames',
          Action: 'identitystore:DescribeUser',
          Effect: 'Allow',
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':identitystore::123456789012:identitystore/*']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':identitystore:::user/*']] },
          ],
        }]),
      },
    });
  });

  test('a bad trusted CIDR is refused at synth', () => {
    expect(() => synth({ trustedCidrs: ['10.0.0.0/33'] })).toThrow('trustedCidrs (trusted_cidrs in Python): "10.0.0.0/33" is not a CIDR range');
    expect(() => synth({ trustedCidrs: ['office'] })).toThrow(/is not a CIDR range/);
  });
});

describe('LoginAlerts: SSH log groups', () => {
  test('each log group gets a filter for sshd Accepted and Instance Connect lines and an invoke permission scoped to it', () => {
    const { template } = synth((stack) => ({ sshLogGroups: logGroups(stack, 2) }));
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 2);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/ec2/host-0/var/log/secure',
      // One regular expression: CloudWatch Logs allows two per pattern, without parentheses or spaces.
      FilterPattern: '%sshd.*Accepted|ec2-instance-connect.*Providing%',
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunction'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'logs.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:/ec2/host-0/var/log/secure:*']] },
    });
  });

  test('zero log groups is allowed: no filters, no logs permission', () => {
    const { template, alerts } = synth();
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    expect(alerts.subscriptionFilters).toEqual([]);
    // One for each EventBridge rule: sign-ins and sessions.
    expect(Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
  });

  test('with many log groups one account-scoped permission serves them all and the filters wait for it', () => {
    const { template } = synth((stack) => ({ sshLogGroups: logGroups(stack, 200) }));
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 200);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'logs.amazonaws.com' } }));
    expect(permissions).toHaveLength(11);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'logs.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] },
    });
    const [accountWide] = Object.entries(template.findResources('AWS::Lambda::Permission', {
      Properties: { SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] } },
    }));
    const filters = Object.values(template.findResources('AWS::Logs::SubscriptionFilter'));
    expect(filters.filter((f) => (f.DependsOn ?? []).includes(accountWide[0]))).toHaveLength(190);
    // A Lambda resource policy holds at most 20 KB: the policy text these permissions make stays far below.
    const policyBytes = permissions.reduce((sum, p) => sum + JSON.stringify(p.Properties).length, 0);
    expect(policyBytes).toBeLessThan(5_000);
  });

  test('addSshLogGroup subscribes later log groups and refuses the same one twice', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    const alerts = new LoginAlerts(stack, 'LoginAlerts');
    const group = logs.LogGroup.fromLogGroupName(stack, 'Later', '/ec2/later');
    const filter = alerts.addSshLogGroup(group);
    expect(alerts.subscriptionFilters).toEqual([filter]);
    expect(() => alerts.addSshLogGroup(group)).toThrow(/already subscribed/);
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: '/ec2/later' });
  });
});

describe('LoginAlerts: Windows Security log groups', () => {
  const security = (stack: Stack, name = '/windows/security') => logs.LogGroup.fromLogGroupName(stack, `Group${name}`, name);

  test('each gets a filter that passes only interactive logons, in both of the agent\'s formats; failures are counted, not alerted', () => {
    const { template, alerts } = synth((stack) => ({ windowsLogGroups: [security(stack)] }));
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/windows/security',
      FilterPattern: '%Logon\\s?Type\\D{1,8}[27]\\D|Logon\\s?Type\\D{1,8}1[01]\\D%',
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunction'), 'Arn'] },
    });
    expect(alerts.subscriptionFilters).toHaveLength(1);
    const env = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment?.Variables ?? {});
    expect(env.some((v) => 'ALERT_WINDOWS_LOGON_FAILURES' in v)).toBe(false);
  });

  test('windowsLogonFailures alerts failures and lets every 4625 through (NLA logs a failed Remote Desktop logon as type 3)', () => {
    const { template } = synth((stack) => ({ windowsLogGroups: [security(stack)], windowsLogonFailures: true }));
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: '%Logon\\s?Type\\D{1,8}[27]\\D|Logon\\s?Type\\D{1,8}1[01]\\D|EventID\\D{1,20}4625\\D|\\[4625\\]%',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALERT_WINDOWS_LOGON_FAILURES: 'true' }) } });
  });

  test('addWindowsLogGroup subscribes later groups; one group cannot be both an SSH and a Windows source', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    const alerts = new LoginAlerts(stack, 'LoginAlerts', { sshLogGroups: [logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/secure')] });
    const filter = alerts.addWindowsLogGroup(security(stack));
    expect(alerts.subscriptionFilters).toHaveLength(2);
    expect(alerts.subscriptionFilters).toContain(filter);
    expect(() => alerts.addWindowsLogGroup(logs.LogGroup.fromLogGroupName(stack, 'SecureAgain', '/ec2/secure')))
      .toThrow(/windowsLogGroups \(windows_log_groups in Python\): log group \/ec2\/secure is already subscribed/);
  });

  test('a Windows log group alone is a source', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    new LoginAlerts(stack, 'LoginAlerts', { windowsLogGroups: [security(stack)], consoleSignIns: false, sessionEvents: false });
    expect(() => app.synth()).not.toThrow();
  });

  test('allLogGroups passes SSH and Windows logons in one policy', () => {
    const { template } = synth({ allLogGroups: true });
    const [policy] = Object.values(template.findResources('AWS::Logs::AccountPolicy'));
    const parts: unknown[] = policy.Properties.PolicyDocument['Fn::Join'][1];
    const document = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'arn')).join(''));
    expect(document.FilterPattern).toBe('%sshd.*Accepted|ec2-instance-connect.*Providing|Logon\\s?Type\\D{1,8}[27]\\D|Logon\\s?Type\\D{1,8}1[01]\\D%');
  });
});

describe('LoginAlerts: EKS clusters', () => {
  test('each cluster\'s control plane log group gets a filter that passes only exec, attach and port-forward audit events', () => {
    const { template, alerts } = synth({ eksClusters: ['prod', 'staging'] });
    expect(alerts.subscriptionFilters).toHaveLength(2);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/aws/eks/prod/cluster',
      FilterPattern: Match.stringLikeRegexp('^\\{ \\$\\.objectRef\\.resource = "pods" && .*"portforward"\\) && .*ResponseStarted'),
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunction'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: '/aws/eks/staging/cluster' });
  });

  test('addEksCluster adds one later; a name EKS would refuse is refused at synth', () => {
    const { alerts } = synth();
    alerts.addEksCluster('batch');
    expect(alerts.subscriptionFilters).toHaveLength(1);
    expect(() => alerts.addEksCluster('prod/cluster')).toThrow('eksClusters (eks_clusters in Python): "prod/cluster" is not an EKS cluster name');
    expect(() => alerts.addEksCluster('batch')).toThrow(/already subscribed/);
  });
});

describe('LoginAlerts: console sign-ins', () => {
  test('are on by default: a rule on the CloudTrail record, not on the detail-type spelling', () => {
    const { template, alerts } = synth();
    expect(alerts.consoleLoginRule).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.signin'], 'detail': { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin', 'SwitchRole', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'CredentialVerification', 'UserAuthentication'] }, 'detail-type': Match.absent() },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunction'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConsoleLoginRule'), 'Arn'] } });
  });

  test('can be turned off', () => {
    const { template, alerts } = synth({ consoleSignIns: false });
    template.resourceCountIs('AWS::Events::Rule', 1);
    expect(alerts.consoleLoginRule).toBeUndefined();
    expect(alerts.sessionEventsRule).toBeDefined();
  });
});

describe('LoginAlerts: Session Manager and EC2 Instance Connect calls', () => {
  test('one rule matches the calls on the record\'s event source and name, delivering to the ingest function', () => {
    const { template, alerts } = synth();
    expect(alerts.sessionEventsRule).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          $or: [
            { eventSource: ['ssm.amazonaws.com'], eventName: ['StartSession', 'ResumeSession'] },
            { eventSource: ['ec2-instance-connect.amazonaws.com'], eventName: ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel'] },
            { eventSource: ['ecs.amazonaws.com'], eventName: ['ExecuteCommand'] },
            { eventSource: ['cloudshell.amazonaws.com'], eventName: ['CreateSession'] },
            { eventSource: ['ssm-guiconnect.amazonaws.com'], eventName: ['StartConnection'] },
          ],
        },
      },
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestDeadLetterQueue'), 'Arn'] } },
      })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Events', MetricName: 'FailedInvocations', Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('SessionEventsRule') } }] });
  });

  test('can be turned off; with sign-ins off too there is no rule, and a sign-in bus is refused', () => {
    const { template } = synth((s) => ({ sessionEvents: false, consoleSignIns: false, sshLogGroups: logGroups(s, 1) }));
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(() => synth({ sessionEvents: false, consoleSignIns: false, receiveForwardedSignIns: true })).toThrow(/signInEventBus .* and receiveForwardedSignIns .* need consoleSignIns/);
  });

  test('in us-east-1 there is no region warning', () => {
    const { stack } = synth();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('outside us-east-1 a warning says root sign-ins will be missed', () => {
    const { stack } = synth({}, 'eu-west-1');
    Annotations.fromStack(stack).hasWarning('/Test/LoginAlerts', Match.stringLikeRegexp('watched in eu-west-1 only, but root sign-ins .* recorded in us-east-1'));
  });

  test('in a region-agnostic stack a warning says the region matters', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new LoginAlerts(stack, 'LoginAlerts');
    Annotations.fromStack(stack).hasWarning('/Agnostic/LoginAlerts', Match.stringLikeRegexp('no explicit region'));
  });

  test('with console sign-ins off, no region warning', () => {
    const { stack } = synth({ consoleSignIns: false }, 'eu-west-1');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('LoginAlerts: the login ledger', () => {
  test('one on-demand table with its own key, point-in-time recovery and TTL, named to the ingest function', () => {
    const { template, alerts } = synth();
    expect(alerts.ledgerTable).toBeDefined();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LedgerKey'), 'Arn'] } },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LEDGER_TABLE_NAME: { Ref: Match.stringLikeRegexp('Ledger') }, REPEAT_WINDOW_SECONDS: '600', HISTORY_DAYS: '90' }) },
    });
  });

  test('the repeat window and the history period are the function\'s, in its units; zero turns each off', () => {
    const { template } = synth({ repeatWindow: Duration.minutes(30), historyPeriod: Duration.days(0) });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ REPEAT_WINDOW_SECONDS: '1800', HISTORY_DAYS: '0' }) } });
    expect(() => synth({ historyPeriod: Duration.hours(36) })).toThrow(/historyPeriod \(history_period in Python\) must be whole days/);
    expect(() => synth({ ledger: false, repeatWindow: Duration.minutes(5) })).toThrow(/repeatWindow \(repeat_window in Python\) and historyPeriod .* are kept in the login ledger/);
  });

  test('its failures are counted from the ingest log and alarm', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "login ledger unavailable" }',
      LogGroupName: { Ref: Match.stringLikeRegexp('IngestFunctionLogGroup') },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'cdk-login-alerts', MetricName: Match.stringLikeRegexp('^LedgerUnavailable-'), Threshold: 1 });
  });

  test('can be turned off: no table, no variable, no grant', () => {
    const { template, alerts } = synth({ ledger: false });
    expect(alerts.ledgerTable).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LEDGER_TABLE_NAME: Match.absent() }) } });
  });
});

describe('LoginAlerts: the people directory', () => {
  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.com`, keyFingerprints: [`SHA256:key${i}`], unixUsers: [`user${i}`] }));

  test('a list of 500 people ships as an asset the function reads; its environment only names it', () => {
    const { template } = synth({ people: PeopleDirectory.fromPeople(people(500)) });
    const ingest = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Description.includes('into alerts'))!;
    const uri = JSON.stringify(ingest.Properties.Environment.Variables.PEOPLE_DIRECTORY);
    expect(uri).toMatch(/s3:\/\/.*\.json/);
    // The whole environment stays far under Lambda's 4 KB.
    expect(JSON.stringify(ingest.Properties.Environment.Variables).length).toBeLessThan(1000);
    // Read access to exactly that object: no wildcard action, no bucket-wide resource.
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((st: any) => st.Sid === 'ReadPeopleDirectory');
    expect(read.Action).toBe('s3:GetObject');
    expect(JSON.stringify(read.Resource)).toMatch(/:s3:::cdk-[a-z0-9]+-assets-123456789012-us-east-1\/[0-9a-f]{64}\.json"/);
  });

  test('a parameter or an S3 object: read in place, granted read only', () => {
    const { template } = synth((stack) => ({ people: PeopleDirectory.fromParameter(ssm.StringParameter.fromStringParameterName(stack, 'P', '/login-alerts/people')) }));
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PEOPLE_DIRECTORY: 'ssm:/login-alerts/people' }) } });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'] })]) } });
    const { template: s3Template } = synth((stack) => ({ people: PeopleDirectory.fromS3Object(s3.Bucket.fromBucketName(stack, 'B', 'security-config'), 'people.json') }));
    s3Template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PEOPLE_DIRECTORY: 's3://security-config/people.json' }) } });
    s3Template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'ReadPeopleDirectory', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::security-config/people.json']] } }]) },
    });
  });

  test('mistakes in the list fail at synth', () => {
    expect(() => PeopleDirectory.fromPeople([{ name: '' }])).toThrow('people[0]: a person needs a name');
    expect(() => PeopleDirectory.fromPeople([{ name: 'A', unixUsers: ['x'] }, { name: 'B', unixUsers: ['x'] }])).toThrow('people: unixUsers "x" belongs to both A and B');
    expect(() => PeopleDirectory.fromPeople([{ name: 'Mallory', slackUserId: 'U1><!channel>' }])).toThrow('people[0] (Mallory).slackUserId "U1><!channel>" is not a Slack user id');
  });
});
