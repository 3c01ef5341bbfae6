import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { parse } from 'yaml';
import { AlertDestination, LoginAlerts, type LoginAlertsProps, Severity, SlackBotToken, SlackSigningSecret, type SlackAppDestinationOptions } from '../src';

/** The Slack app destination as synthesized: what it deploys, what it may do, and what it refuses. */

function synth(options: Partial<SlackAppDestinationOptions> = {}, props: LoginAlertsProps = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'SlackApp', 'slack-app');
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    ...props,
    destinations: [AlertDestination.slackApp({
      botToken: SlackBotToken.fromSecret(secret, 'botToken'),
      signingSecret: SlackSigningSecret.fromSecret(secret, 'signingSecret'),
      channel: 'C0SECURITY',
      ...options,
    })],
  });
  return { stack, alerts, template: Template.fromStack(stack) };
}

const deliveryFunction = { Description: Match.stringLikeRegexp('posts login alerts with a Slack app') };
const interactionFunction = { Description: Match.stringLikeRegexp('answers the Slack app') };

test('a delivery function on the topic and the reminder queue, an interaction function behind a public Function URL, the URL as a stack output', () => {
  const { template, alerts } = synth();
  template.hasResourceProperties('AWS::Lambda::Function', {
    ...deliveryFunction,
    Environment: {
      Variables: Match.objectLike({
        SLACK_BOT_TOKEN_SECRET_ARN: Match.anyValue(),
        SLACK_BOT_TOKEN_SECRET_FIELD: 'botToken',
        SLACK_CHANNEL: 'C0SECURITY',
        REVIEW_MIN_SEVERITY: 'medium',
        REVIEW_FAILURES: 'false',
        DIRECT_MESSAGES: 'true',
        REMINDER_WAIT_SECONDS: '900',
        REMINDERS: '2',
        LEDGER_TABLE_NAME: { Ref: Match.stringLikeRegexp('Ledger') },
        ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('Topic') },
        REMINDER_QUEUE_URL: { Ref: Match.stringLikeRegexp('ReminderQueue') },
      }),
    },
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    ...interactionFunction,
    MemorySize: 512,
    Timeout: 10,
    Environment: { Variables: Match.objectLike({ SLACK_SIGNING_SECRET_ARN: Match.anyValue(), SLACK_SIGNING_SECRET_FIELD: 'signingSecret', SLACK_TIMEOUT_MS: '2000' }) },
  });
  template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackAppInteractionFunction'), 'Arn'] } });
  template.hasOutput('*', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('InteractionFunctionFunctionUrl'), 'FunctionUrl'] }, Description: Match.stringLikeRegexp('Request URL') });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReminderQueue'), 'Arn'] }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    KmsMasterKeyId: Match.anyValue(),
    RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SlackAppDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
  });
  // Repeats reach it (they become thread replies); suppressed logins do not.
  const [policy] = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { FilterPolicy: Match.anyValue() } }));
  expect(policy.Properties.FilterPolicy).toEqual({ suppressed: ['false', { exists: false }] });
  expect(alerts.destinations[0]).toMatchObject({ destinationType: 'slackapp', interactionUrl: expect.any(String) });
});

test('the topic policy lets both functions publish escalations, and only they are added', () => {
  const { template } = synth();
  const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
  const deny = statements.find((s: any) => s.Sid === 'DenyPublishingExceptIngestAndAlarms');
  expect(deny.Condition.StringNotEquals['aws:PrincipalArn'].map((a: any) => a['Fn::GetAtt'][0])).toEqual([
    expect.stringMatching(/^LoginAlertsIngestFunctionRole/),
    expect.stringMatching(/^LoginAlertsSlackAppFunctionRole/),
    expect.stringMatching(/^LoginAlertsSlackAppInteractionFunctionRole/),
  ]);
  for (const role of ['SlackAppFunctionRole', 'SlackAppInteractionFunctionRole']) {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp(role) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('Topic') } })]) },
    });
  }
});

test('the functions may read and write review items of the ledger only, and read their own secrets', () => {
  const { template } = synth();
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => /SlackApp/.test(JSON.stringify(p.Properties.Roles)));
  expect(policies).toHaveLength(2);
  for (const policy of policies) {
    const statements = (policy as any).Properties.PolicyDocument.Statement;
    const dynamo = statements.filter((s: any) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([expect.objectContaining({
      Sid: 'LoginLedgerReviewItems',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['review#*'] } },
    })]);
    expect(JSON.stringify(statements)).toContain('secretsmanager:GetSecretValue');
  }
});

test('an errors alarm on the interaction function, notifying the alarm topic', () => {
  const { template } = synth();
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('SlackAppInteractionFunction') } }],
    AlarmDescription: Match.stringLikeRegexp('button press was not recorded'),
    AlarmActions: Match.arrayWith([{ Ref: Match.stringLikeRegexp('PipelineAlarmTopic') }]),
  });
});

test('options reach the functions', () => {
  const { template } = synth({
    reviewMinSeverity: Severity.HIGH,
    reviewFailures: true,
    directMessages: false,
    reminderAfter: Duration.minutes(30),
    reminders: 0,
    approvers: ['U0OSCAR1', 'W0GRACE1'],
    approverGroup: 'S0SECOPS',
    mentions: { critical: '<!subteam^S0SECOPS>' },
    instanceTags: ['Team'],
    slackApiUrl: 'https://slack-gov.com/api/',
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    ...interactionFunction,
    Environment: {
      Variables: Match.objectLike({
        REVIEW_MIN_SEVERITY: 'high',
        REVIEW_FAILURES: 'true',
        DIRECT_MESSAGES: 'false',
        REMINDER_WAIT_SECONDS: '1800',
        REMINDERS: '0',
        SLACK_APPROVERS: 'U0OSCAR1,W0GRACE1',
        SLACK_APPROVER_GROUP: 'S0SECOPS',
        SLACK_MENTIONS: '{"critical":"<!subteam^S0SECOPS>"}',
        SLACK_TAG_KEYS: 'Team',
        SLACK_API_URL: 'https://slack-gov.com/api/',
      }),
    },
  });
});

test.each([
  [{ channel: '#security' }, /channel must be a channel id such as C0123ABCD/],
  [{ reminders: 11 }, /reminders must be a whole number from 0 to 10/],
  [{ reminders: 1.5 }, /reminders must be a whole number from 0 to 10/],
  [{ reminderAfter: Duration.seconds(30) }, /reminderAfter \(reminder_after in Python\) must be whole seconds between 1 minute and 24 hours/],
  [{ reminderAfter: Duration.hours(25) }, /reminderAfter \(reminder_after in Python\) must be whole seconds between 1 minute and 24 hours/],
  [{ approvers: ['alice'] }, /approvers: "alice" is not a Slack user id/],
  [{ approverGroup: 'secops' }, /approverGroup \(approver_group in Python\): "secops" is not a Slack user group id/],
  [{ slackApiUrl: 'http://slack.example/api/' }, /slackApiUrl \(slack_api_url in Python\) must be an https URL ending in \/api\//],
  [{ mentions: { urgent: '<!here>' } }, /mentions: "urgent" is not a severity/],
])('refused at synth with a clear error: %j', (options, error) => {
  expect(() => synth(options as Partial<SlackAppDestinationOptions>)).toThrow(error);
});

test('without the ledger: refused, saying why', () => {
  expect(() => synth({}, { ledger: false })).toThrow(/keeps each message and review in the login ledger: leave the LoginAlerts' ledger on/);
});

test('the README\'s app manifest grants a scope for every Web API method the functions call, and turns interactivity on', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const manifest = parse(/```yaml\n(display_information:[\s\S]*?)```/.exec(readme)![1]);
  const scopes: string[] = manifest.oauth_config.scopes.bot;
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  // Slack's method reference: the bot scope each method needs.
  const needs: Record<string, string[]> = {
    'chat.postMessage': ['chat:write', 'im:write'],
    'chat.update': ['chat:write'],
    'chat.postEphemeral': ['chat:write'],
    'users.lookupByEmail': ['users:read.email', 'users:read'],
    'usergroups.users.list': ['usergroups:read'],
  };
  const sources = ['slack-app', 'slack-interaction'].flatMap((dir) => readdirSync(join(__dirname, '..', 'lambda', dir)).map((f) => readFileSync(join(__dirname, '..', 'lambda', dir, f), 'utf8')));
  const called = new Set(sources.flatMap((source) => [...source.matchAll(/client\.(\w+(?:\.\w+)+)\(/g)].map((m) => m[1])));
  expect([...called].sort()).toEqual(Object.keys(needs).sort());
  for (const method of called) expect([method, needs[method].filter((s) => !scopes.includes(s))]).toEqual([method, []]);
});
