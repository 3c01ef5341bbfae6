import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { filterAccepts } from '../cli/check/filter-policy';
import { AlertDestination, LoginAlerts, LoginKind, LoginOutcome, PagerDutyRoutingKey, Severity, SlackWebhook } from '../src';

function stackWith(build: (stack: Stack) => void) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  return { stack, template: Template.fromStack(stack) };
}

const secret = (stack: Stack, name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);

function bothDestinations(stack: Stack) {
  return new LoginAlerts(stack, 'LoginAlerts', {
    destinations: [
      AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'slack-webhook')) }),
      AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secret(stack, 'pagerduty'), 'routingKey') }),
    ],
  });
}

const slackFunction = { Description: 'cdk-login-alerts: posts login alerts to Slack' };
const pagerDutyFunction = { Description: 'cdk-login-alerts: triggers PagerDuty incidents for login alerts' };

describe('destinations', () => {
  test('each is a function on its prebuilt bundle, subscribed to the topic', () => {
    const { template } = stackWith(bothDestinations);
    template.resourceCountIs('AWS::Lambda::Function', 3);
    // Each on the alert topic (filtered) and the pipeline alarm topic (not).
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: Match.stringLikeRegexp('LoginAlertsTopic[0-9A-F]+$') } }, 2);
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: Match.stringLikeRegexp('PipelineAlarmTopic') } }, 2);
    template.hasResourceProperties('AWS::Lambda::Function', { ...slackFunction, Handler: 'index.handler', Architectures: ['arm64'] });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com', SourceArn: { Ref: Match.stringLikeRegexp('Topic') } });
  });

  test('the functions get secret ARNs and their dead-letter queue, never a secret value', () => {
    const { template } = stackWith(bothDestinations);
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...slackFunction,
      Environment: { Variables: { SLACK_WEBHOOK_SECRET_ARN: Match.anyValue(), DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp('SlackDeadLetterQueue') } } },
    });
    const variables = (description: string) => JSON.stringify(Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }))[0].Properties.Environment);
    expect(variables(slackFunction.Description)).toContain(':secretsmanager:us-east-1:123456789012:secret:slack-webhook');
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...pagerDutyFunction,
      Environment: { Variables: { PAGERDUTY_ROUTING_KEY_SECRET_ARN: Match.anyValue(), PAGERDUTY_ROUTING_KEY_SECRET_FIELD: 'routingKey', DEAD_LETTER_QUEUE_URL: Match.anyValue() } },
    });
  });

  test('each may read only its own secret and write only its own dead-letter queue', () => {
    const { template } = stackWith(bothDestinations);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p.Properties));
    const slackPolicy = policies.find((p) => p.includes('SlackFunctionRole'))!;
    expect(slackPolicy).toContain('secretsmanager:GetSecretValue');
    expect(slackPolicy).toContain('secret:slack-webhook');
    expect(slackPolicy).not.toContain('secret:pagerduty');
    expect(slackPolicy).toContain('SlackDeadLetterQueue');
    expect(slackPolicy).not.toContain('PagerDutyDeadLetterQueue');
    expect(slackPolicy).not.toContain('sns:Publish');
    expect(slackPolicy).not.toMatch(/kms:(Encrypt|ReEncrypt)/);
  });

  test('dead-letter queues are KMS-encrypted with a rotating key, TLS-only and kept 14 days', () => {
    const { template } = stackWith(bothDestinations);
    // The ingest function's and one per destination.
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterKey'), 'Arn'] }, MessageRetentionPeriod: 1209600 }, 3);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowSnsAndEventBridgeToDeadLetter', Principal: { Service: ['sns.amazonaws.com', 'events.amazonaws.com'] } })]) },
    });
  });

  test('undeliverable messages reach the dead-letter queue three ways: refusals, exhausted retries, SNS redrive', () => {
    const { template } = stackWith(bothDestinations);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackDeadLetterQueue'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackFunction'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackDeadLetterQueue'), 'Arn'] } },
    });
  });

  test('default filters: Slack gets every alert neither suppressed nor a repeat, PagerDuty high and critical', () => {
    const { template } = stackWith(bothDestinations);
    // `exists: false` only for the attributes alerts of older versions (not yet upgraded members) lack.
    const quiet = { suppressed: ['false', { exists: false }], repeat: ['false', { exists: false }] };
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackFunction'), 'Arn'] },
      FilterPolicy: quiet,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('PagerDutyFunction'), 'Arn'] },
      FilterPolicy: { severity: ['high', 'critical'], ...quiet },
    });
  });

  test('includeSuppressed and includeRepeats: a destination that shows everything but heartbeats (with minSeverity INFO, its default for Slack)', () => {
    const { template } = stackWith((stack) => new LoginAlerts(stack, 'LoginAlerts', {
      destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'slack')), includeSuppressed: true, includeRepeats: true })],
    }));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackFunction'), 'Arn'] },
      TopicArn: { Ref: Match.stringLikeRegexp('LoginAlertsTopic[0-9A-F]+$') },
      FilterPolicy: { kind: [{ 'anything-but': ['heartbeat'] }] },
    });
  });

  test('heartbeats reach a destination only when its kinds name them', () => {
    const policyOf = (filter: Partial<Parameters<typeof AlertDestination.slack>[0]>) => {
      const { template } = stackWith((stack) => new LoginAlerts(stack, 'LoginAlerts', {
        destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'slack')), ...filter })],
      }));
      const [subscription] = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { FilterPolicy: Match.anyValue() } }));
      return JSON.stringify(subscription.Properties.FilterPolicy);
    };
    const heartbeat = { kind: 'heartbeat', severity: 'low', outcome: 'success', account: '123456789012', suppressed: 'heartbeat', repeat: 'heartbeat' };
    const login = { ...heartbeat, kind: 'ssh', suppressed: 'false', repeat: 'false' };
    const filters = [
      {}, { includeSuppressed: true }, { includeRepeats: true }, { includeSuppressed: true, includeRepeats: true }, { kinds: [LoginKind.SSH] },
    ];
    for (const filter of filters) {
      expect([filter, filterAccepts(policyOf(filter), heartbeat), filterAccepts(policyOf(filter), login)]).toEqual([filter, false, true]);
    }
    expect(filterAccepts(policyOf({ kinds: [LoginKind.HEARTBEAT] }), heartbeat)).toBe(true);
  });

  test('filters by minimum severity, kinds and outcomes', () => {
    const { template } = stackWith((stack) => new LoginAlerts(stack, 'LoginAlerts', {
      destinations: [AlertDestination.slack({
        webhook: SlackWebhook.fromSecret(secret(stack, 'slack')),
        minSeverity: Severity.MEDIUM,
        kinds: [LoginKind.CONSOLE],
        outcomes: [LoginOutcome.FAILURE],
        mentions: { critical: '<!subteam^SAZ94GDB8>' },
        instanceTags: ['Environment'],
      })],
    }));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicy: {
        severity: ['medium', 'high', 'critical'],
        kind: ['console'],
        outcome: ['failure'],
        suppressed: ['false', { exists: false }],
        repeat: ['false', { exists: false }],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...slackFunction,
      Environment: { Variables: Match.objectLike({ SLACK_MENTIONS: '{"critical":"<!subteam^SAZ94GDB8>"}', SLACK_TAG_KEYS: 'Environment' }) },
    });
  });

  test('routing: a team\'s channel by account and instance tag, on the tags the LoginAlerts publishes', () => {
    const { template } = stackWith((stack) => new LoginAlerts(stack, 'LoginAlerts', {
      routingTagKeys: ['Team', 'aws:autoscaling:groupName'],
      destinations: [AlertDestination.slack({
        webhook: SlackWebhook.fromSecret(secret(stack, 'payments')),
        accounts: ['111111111111'],
        instanceTagFilters: [{ key: 'Team', values: ['payments', 'billing'] }, { key: 'aws:autoscaling:groupName', values: ['pay-asg'] }],
      })],
    }));
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ROUTING_TAG_KEYS: 'Team,aws:autoscaling:groupName' }) } });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicy: Match.objectLike({ 'account': ['111111111111'], 'tag.Team': ['payments', 'billing'], 'tag.aws_autoscaling_groupName': ['pay-asg'] }),
    });
  });

  test('routing mistakes fail at synth: a tag not published, a bad account, too many tags, two tags of one attribute name', () => {
    const slack = (stack: Stack, options: object) => AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 's')), ...options });
    expect(() => stackWith((stack) => new LoginAlerts(stack, 'L', { destinations: [slack(stack, { instanceTagFilters: [{ key: 'Team', values: ['a'] }] })] })))
      .toThrow(/instanceTagFilters \(instance_tag_filters in Python\) filters on the tag "Team", which the LoginAlerts does not publish: add it to its routingTagKeys/);
    expect(() => stackWith((stack) => new LoginAlerts(stack, 'L', { destinations: [slack(stack, { accounts: ['12345'] })] })))
      .toThrow(/accounts: 12345 is not a 12-digit account id/);
    expect(() => stackWith((stack) => new LoginAlerts(stack, 'L', { routingTagKeys: ['a', 'b', 'c', 'd', 'e'] }))).toThrow(/5 tag keys to route on .* at most 4/);
    expect(() => stackWith((stack) => new LoginAlerts(stack, 'L', { routingTagKeys: ['team:name', 'team/name'] }))).toThrow(/"team:name" and "team\/name" both become the message attribute tag.team_name/);
  });

  test('a filter past SNS\'s 150 combinations is refused at synth, saying how to narrow it', () => {
    expect(() => stackWith((stack) => new LoginAlerts(stack, 'LoginAlerts', {
      destinations: [AlertDestination.slack({
        webhook: SlackWebhook.fromSecret(secret(stack, 'slack')),
        minSeverity: Severity.LOW,
        kinds: [LoginKind.SSH, LoginKind.CONSOLE, LoginKind.SSM_SESSION, LoginKind.INSTANCE_CONNECT],
        outcomes: [LoginOutcome.SUCCESS, LoginOutcome.FAILURE],
        accounts: ['111111111111', '222222222222'],
      })],
    }))).toThrow(/makes 256 combinations in 6 keys; SNS allows 150 combinations and 5 keys per filter policy/);
  });

  test('addDestination later, twice of a kind, exposes what it made', () => {
    const { template } = stackWith((stack) => {
      const alerts = new LoginAlerts(stack, 'LoginAlerts');
      const first = alerts.addDestination(AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'a')) }));
      const second = alerts.addDestination(AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'b')) }));
      expect(alerts.destinations).toEqual([first, second]);
      expect(first.destinationType).toBe('slack');
      expect(second.deliveryFunction.node.path).toBe('Test/LoginAlerts/Slack2/Function');
      expect(first.deadLetterQueue.node.path).toBe('Test/LoginAlerts/Slack/DeadLetterQueue');
    });
    template.resourceCountIs('AWS::SQS::Queue', 3);
    // The topic's, the dead-letter queues', the ledger's and the log groups'.
    template.resourceCountIs('AWS::KMS::Key', 4);
  });

  test('bad options are refused at synth', () => {
    const stack = new Stack();
    expect(() => AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 's')), mentions: { urgent: '<!here>' } })).toThrow('mentions: "urgent" is not a severity');
    expect(() => AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secret(stack, 'p')), eventsUrl: 'events.pagerduty.com' })).toThrow(/http\(s\) URL/);
    expect(() => new LoginAlerts(stack, 'A', { destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(stack, 'x')), kinds: [] })] })).toThrow('kinds must list at least one value');
  });
});
