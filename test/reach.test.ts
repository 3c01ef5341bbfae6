import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
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
      EventPattern: { source: ['aws.signin'], detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] } },
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

  test('the central stack watches its default bus and a dedicated sign-in bus open to this account only', () => {
    const { central, alerts, centralStack } = twoRegionApp();
    expect(alerts.signInEventBus).toBeDefined();
    central.resourceCountIs('AWS::Events::Rule', 2);
    central.hasResourceProperties('AWS::Events::EventBus', { Name: 'login-alerts-sign-ins' });
    central.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('SignInEventBus') },
      EventPattern: { source: ['aws.signin'], detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] } },
    });
    central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Sid: 'cdk-AllowThisAccountToForwardSignIns',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } },
        Condition: { StringEquals: { 'events:source': 'aws.signin' } },
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
        Condition: { StringEquals: { 'events:source': 'aws.signin', 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    });
    expect(() => twoRegionApp('not-an-org')).toThrow(/not an AWS Organizations id/);
    expect(() => new ConsoleLoginForwarder(new Stack(), 'F', {})).toThrow('exactly one of centralRegion and targetEventBusArn');
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
      PolicyDocument: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"FilterPattern":"\\\\"sshd\\\\" \\\\"Accepted\\\\""')])] },
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
    expect(permissions.length).toBeLessThanOrEqual(12);
    expect(policy.length).toBeLessThan(20_480 / 4);
  });
});
