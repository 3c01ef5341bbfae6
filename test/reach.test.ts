import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertDestination, ConsoleLoginForwarder, LoginAlerts, SlackWebhook } from '../src';

const ACCOUNT = '123456789012';

describe('regions: sign-ins recorded elsewhere reach the central region', () => {
  function twoRegionApp(organizationId?: string) {
    const app = new App();
    const central = new Stack(app, 'Central', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const alerts = new LoginAlerts(central, 'LoginAlerts', { receiveForwardedSignIns: true, organizationId });
    const remote = new Stack(app, 'Stockholm', { env: { account: ACCOUNT, region: 'eu-north-1' } });
    const forwarder = new ConsoleLoginForwarder(remote, 'Forwarder', { centralRegion: 'us-east-1' });
    return { central: Template.fromStack(central), remote: Template.fromStack(remote), alerts, forwarder, centralStack: central };
  }

  test('the forwarder sends ConsoleLogin events to the central bus with a role that may only put events there', () => {
    const { remote } = twoRegionApp();
    remote.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.signin'], detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin', 'SwitchRole', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'CredentialVerification', 'UserAuthentication'] } },
      Targets: [Match.objectLike({
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${ACCOUNT}:event-bus/login-alerts-sign-ins`]] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ForwarderRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
      })],
    });
    remote.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${ACCOUNT}:event-bus/login-alerts-sign-ins`]] } }] },
    });
  });

  test('the forwarder alarms on sign-ins it could not forward, notifying the alarm topic it is given', () => {
    const stack = new Stack(new App(), 'Stockholm', { env: { account: ACCOUNT, region: 'eu-north-1' } });
    const ops = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey') });
    const forwarder = new ConsoleLoginForwarder(stack, 'Forwarder', { centralRegion: 'us-east-1', alarmTopic: ops });
    // Its dead-letter queue, and each of its two rules (sign-ins, sessions): failed and undead-lettered deliveries.
    expect(forwarder.alarms).toHaveLength(5);
    const template = Template.fromStack(stack);
    const opsRef = { Ref: Match.stringLikeRegexp('^Ops') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ForwarderDeadLetterQueue'), 'QueueName'] } }],
      AlarmActions: [opsRef],
      OKActions: [opsRef],
    });
    for (const metric of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Events', MetricName: metric, Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('ForwarderRule') } }], AlarmActions: [opsRef],
      });
    }
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('alarmTopic'));
  });

  test('a forwarder without an alarm topic warns that its alarms notify nobody', () => {
    const { forwarder } = twoRegionApp();
    Annotations.fromStack(forwarder.node.scope as Stack).hasWarning('*', Match.stringLikeRegexp('has no alarmTopic: its alarms .* notify nobody'));
  });

  test('the central stack watches its default bus and a dedicated sign-in bus open to this account only', () => {
    const { central, alerts, centralStack } = twoRegionApp();
    expect(alerts.signInEventBus).toBeDefined();
    // Sign-ins and sessions, each on the default bus and on the sign-in bus.
    central.resourceCountIs('AWS::Events::Rule', 4);
    central.hasResourceProperties('AWS::Events::EventBus', { Name: 'login-alerts-sign-ins' });
    central.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('SignInEventBus') },
      EventPattern: { source: ['aws.signin'], detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin', 'SwitchRole', 'PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'CredentialVerification', 'UserAuthentication'] } },
    });
    central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Sid: 'cdk-AllowThisAccountToForwardSignIns',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } },
        Condition: { StringEquals: { 'events:source': ['aws.signin', 'aws.ssm', 'aws.ec2-instance-connect', 'aws.ecs', 'aws.cloudshell', 'aws.ssm-guiconnect'] } },
      },
    });
    // Forwarders cover the other regions: no warning about us-east-1 needed.
    Annotations.fromStack(centralStack).hasNoWarning('*', Match.anyValue());
  });

  test('with an organization, any member account may forward, and no one else', () => {
    const { central } = twoRegionApp('o-a1b2c3d4e5');
    central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Sid: 'cdk-AllowOrganizationToForwardSignIns',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': ['aws.signin', 'aws.ssm', 'aws.ec2-instance-connect', 'aws.ecs', 'aws.cloudshell', 'aws.ssm-guiconnect'], 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    });
    expect(() => twoRegionApp('not-an-org')).toThrow(/not an AWS Organizations id/);
    expect(() => new ConsoleLoginForwarder(new Stack(), 'F', {})).toThrow(/exactly one of centralRegion .* and targetEventBusArn/);
  });
});

describe('many log groups', () => {
  test('allLogGroups: one account-level subscription filter policy, excluding the library\'s own log groups', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const alerts = new LoginAlerts(stack, 'LoginAlerts', { allLogGroups: true, excludeLogGroups: ['/aws/lambda/noisy'] });
    alerts.addDestination(AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 's')) }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::AccountPolicy', {
      PolicyType: 'SUBSCRIPTION_FILTER_POLICY',
      Scope: 'ALL',
      PolicyDocument: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"FilterPattern":"%sshd\\.\\*Accepted\\|ec2-instance-connect\\.\\*Providing\\|Logon')])] },
      SelectionCriteria: {
        'Fn::Join': ['', [
          'LogGroupName NOT IN ["', { Ref: Match.stringLikeRegexp('IngestFunctionLogGroup') }, '", "', { Ref: Match.stringLikeRegexp('SlackFunctionLogGroup') }, '", "/aws/lambda/noisy"]',
        ]],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'logs.amazonaws.com',
      SourceAccount: ACCOUNT,
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:us-east-1:${ACCOUNT}:log-group:*`]] },
    });
    expect(alerts.accountSubscriptionPolicy).toBeDefined();
  });

  test('with 200 log groups the function\'s resource policy stays far under 20 KB', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new LoginAlerts(stack, 'LoginAlerts', { sshLogGroups: Array.from({ length: 200 }, (_, i) => logs.LogGroup.fromLogGroupName(stack, `G${i}`, `/ec2/fleet-${i}/var/log/secure`)) });
    // Lambda renders each permission as one statement of its resource policy; resolve what they would say.
    const permissions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Permission'));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: permissions.map((p) => ({ Effect: 'Allow', Principal: { Service: p.Properties.Principal }, Action: p.Properties.Action, Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:LoginAlertsIngestFunction0123456789ab`, Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ec2/fleet-000/var/log/secure:*` }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } } })) });
    // 10 per-group permissions, 1 account-wide, 1 for each EventBridge rule (sign-ins, sessions).
    expect(permissions.length).toBeLessThanOrEqual(13);
    expect(policy.length).toBeLessThan(20_480 / 4);
  });
});

describe('accounts', () => {
  const stackIn = (account = ACCOUNT) => new Stack(new App(), 'Test', { env: { account, region: 'us-east-1' } });

  test('a central deployment for an organization: members may publish to the topic and use its key', () => {
    const stack = stackIn();
    new LoginAlerts(stack, 'LoginAlerts', { organizationId: 'o-a1b2c3d4e5', receiveForwardedSignIns: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowOrganizationToPublish', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sns:Publish', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
          Match.objectLike({
            Sid: 'DenyPublishingExceptIngestAndAlarms',
            Effect: 'Deny',
            Condition: { StringNotEquals: Match.objectLike({ 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' }) },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowOrganizationToPublish',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, StringLike: { 'kms:ViaService': 'sns.*.amazonaws.com' } },
        })]),
      },
    });
  });

  test('within the organization, only member ingest roles (by name) may publish, and alarms get a topic only CloudWatch can publish to', () => {
    const stack = stackIn();
    const alerts = new LoginAlerts(stack, 'LoginAlerts', {
      organizationId: 'o-a1b2c3d4e5',
      destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 's')) })],
    });
    const template = Template.fromStack(stack);
    const memberRoles = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/cdk-login-alerts-ingest-*']] };
    const ingestRole = { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestFunctionRole'), 'Arn'] };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('LoginAlertsTopic[0-9A-F]') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowOrganizationToPublish',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: Match.anyValue(),
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, ArnLike: { 'aws:PrincipalArn': memberRoles } },
          },
          {
            Sid: 'DenyOrganizationPublishingExceptMemberIngestRoles',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Resource: Match.anyValue(),
            Condition: { StringNotEquals: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' }, ArnNotLike: { 'aws:PrincipalArn': [ingestRole, memberRoles] } },
          },
        ]),
      },
    });
    // The pipeline alarm topic: CloudWatch only, and every alarm notifies it instead of the alert topic.
    expect(alerts.pipelineAlarmTopic).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('PipelineAlarmTopic') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyPublishingExceptAlarms', Effect: 'Deny', Condition: { StringNotEquals: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' } },
        })]),
      },
    });
    const alarmTopic = { Ref: Match.stringLikeRegexp('PipelineAlarmTopic') };
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [alarmTopic], OKActions: [alarmTopic] });
    // The Slack function hears both topics, and trusts alarms from the alarm topic only.
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: alarmTopic, Protocol: 'lambda' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALARM_TOPIC_ARNS: alarmTopic }) } });
  });

  test('without an organization, alarms notify both topics; destinations hear them, once, from the pipeline alarm topic', () => {
    const stack = stackIn();
    new LoginAlerts(stack, 'LoginAlerts', { destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 's')) })] });
    const template = Template.fromStack(stack);
    const alertTopic = { Ref: Match.stringLikeRegexp('LoginAlertsTopic[0-9A-F]+$') };
    const alarmTopic = { Ref: Match.stringLikeRegexp('PipelineAlarmTopic') };
    // Email and your subscribers of the alert topic hear alarms; so do the destinations, from the other topic.
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [alarmTopic, alertTopic], OKActions: [alarmTopic, alertTopic] });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALARM_TOPIC_ARNS: alarmTopic }) } });
    // No filter on the alarm topic (CloudWatch's messages carry no attributes, and SNS matches no
    // policy to those); a filter on the alert topic that every alert passes and no alarm does.
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: alarmTopic, Protocol: 'lambda', FilterPolicy: Match.absent() });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: alertTopic, Protocol: 'lambda', FilterPolicy: Match.objectLike({ suppressed: Match.anyValue() }) });
  });

  test('a member deployment publishes to the central topic by ARN with its key', () => {
    const stack = stackIn('222222222222');
    const topic = sns.Topic.fromTopicArn(stack, 'Central', `arn:aws:sns:us-east-1:${ACCOUNT}:login-alerts`);
    const key = kms.Key.fromKeyArn(stack, 'CentralKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    new LoginAlerts(stack, 'LoginAlerts', { topic, topicEncryptionKey: key, consoleSignIns: false });
    // Its ingest role is named so that the central topic's policy can allow it by pattern.
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: Match.stringLikeRegexp('^cdk-login-alerts-ingest-.{1,40}$') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'sns:Publish', Effect: 'Allow', Resource: `arn:aws:sns:us-east-1:${ACCOUNT}:login-alerts` },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
        ]),
      },
    });
  });

  test('enrichment in other accounts: the role ARNs in the environment, sts:AssumeRole on exactly those', () => {
    const stack = stackIn();
    new LoginAlerts(stack, 'LoginAlerts', { enrichmentAccounts: ['222222222222', '333333333333'], enrichmentRoleName: 'LoginAlertsEnrichment' });
    const template = Template.fromStack(stack);
    const arn = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/LoginAlertsEnrichment`]] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'AssumeEnrichmentRoles', Action: 'sts:AssumeRole', Effect: 'Allow', Resource: [arn('222222222222'), arn('333333333333')] }]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ENRICHMENT_ROLE_ARNS: { 'Fn::Join': ['', Match.arrayWith([':iam::222222222222:role/LoginAlertsEnrichment,arn:'])] } }) },
    });
  });

  test('bad account settings are refused at synth', () => {
    expect(() => new LoginAlerts(stackIn(), 'A', { enrichmentAccounts: ['12345'] })).toThrow('enrichmentAccounts (enrichment_accounts in Python): 12345 is not a 12-digit account id');
    expect(() => new LoginAlerts(stackIn(), 'C', { enrichmentAccounts: ['222222222222'], enrichInstances: false })).toThrow(/enrichmentAccounts .* needs enrichInstances/);
    const stack = stackIn();
    expect(() => new LoginAlerts(stack, 'B', { organizationId: 'o-a1b2c3d4e5', topic: sns.Topic.fromTopicArn(stack, 'T', `arn:aws:sns:us-east-1:${ACCOUNT}:t`) })).toThrow(/organizationId .* opens the created topic/);
  });
});
