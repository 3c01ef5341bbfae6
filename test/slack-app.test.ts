import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { parse } from 'yaml';
import { AlertDestination, LoginAlerts, type LoginAlertsProps, Severity, SlackBotToken, SlackSigningSecret, type SlackAppDestinationOptions } from '../src';
import { ESCALATION_FAILED_LOG, INTERACTION_REJECTED_LOG } from '../src/contract/log-lines';

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
  // The public endpoint checks the signature and queues the press: it knows nothing else.
  const [interaction] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: interactionFunction }));
  expect(interaction.Properties).toMatchObject({ MemorySize: 512, Timeout: 10, ReservedConcurrentExecutions: 5 });
  expect(Object.keys(interaction.Properties.Environment.Variables).sort()).toEqual(['DEPLOYMENT_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'REMINDER_QUEUE_URL', 'SLACK_SIGNING_SECRET_ARN', 'SLACK_SIGNING_SECRET_FIELD']);
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

test('the topic policy lets the delivery function publish escalations, and only it is added', () => {
  const { template } = synth();
  const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
  const deny = statements.find((s: any) => s.Sid === 'DenyPublishingExceptIngestAndAlarms');
  expect(deny.Condition.StringNotEquals['aws:PrincipalArn'].map((a: any) => a['Fn::GetAtt'][0])).toEqual([
    expect.stringMatching(/^LoginAlertsIngestFunctionRole/),
    expect.stringMatching(/^LoginAlertsSlackAppFunctionRole/),
  ]);
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('SlackAppFunctionRole') }],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('Topic') } })]) },
  });
});

const policyOf = (template: Template, role: string) => Object.values(template.findResources('AWS::IAM::Policy'))
  .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(role))
  .flatMap((p: any) => p.Properties.PolicyDocument.Statement);

test('the delivery function may read and write review items of the ledger only; the public endpoint may only read the signing secret and queue presses', () => {
  const { template } = synth();
  const delivery = policyOf(template, 'SlackAppFunctionRole');
  expect(delivery.filter((s: any) => JSON.stringify(s.Action).includes('dynamodb:'))).toEqual([expect.objectContaining({
    Sid: 'LoginLedgerReviewItems',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['review#*'] } },
  })]);
  expect(JSON.stringify(delivery)).toContain('secretsmanager:GetSecretValue');

  const endpoint = policyOf(template, 'SlackAppInteractionFunctionRole');
  const actions = endpoint.flatMap((s: any) => [s.Action].flat()).sort();
  expect(actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'sqs:SendMessage'].filter((a) => actions.includes(a)));
  expect(actions).not.toContainEqual(expect.stringMatching(/^(dynamodb|sns):/));
  expect(endpoint.find((s: any) => s.Action === 'sqs:SendMessage').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/ReminderQueue/), 'Arn'] });
  // Only the signing secret's ARN, never the bot token's field: both live in one secret here, so the grant is the secret.
  expect(JSON.stringify(template.findResources('AWS::Lambda::Function', { Properties: interactionFunction }))).not.toContain('SLACK_BOT_TOKEN');
});

test('escalations carry the routing tag attributes: the delivery function gets the same ROUTING_TAG_KEYS as ingest', () => {
  const { template } = synth({}, { routingTagKeys: ['Team', 'Environment'] });
  template.hasResourceProperties('AWS::Lambda::Function', { ...deliveryFunction, Environment: { Variables: Match.objectLike({ ROUTING_TAG_KEYS: 'Team,Environment' }) } });
});

test('the endpoint\'s ceiling and its alarms: rejected requests over the threshold, throttles, and escalations not published yet', () => {
  const { template } = synth({ interactionConcurrency: 3, rejectedRequestsAlarmThreshold: 50 });
  template.hasResourceProperties('AWS::Lambda::Function', { ...interactionFunction, ReservedConcurrentExecutions: 3 });
  template.hasResourceProperties('AWS::Logs::MetricFilter', {
    LogGroupName: { Ref: Match.stringLikeRegexp('SlackAppInteractionFunctionLogGroup') },
    FilterPattern: `{ $.message = "${INTERACTION_REJECTED_LOG}" }`,
  });
  template.hasResourceProperties('AWS::Logs::MetricFilter', {
    LogGroupName: { Ref: Match.stringLikeRegexp('SlackAppFunctionLogGroup') },
    FilterPattern: `{ $.message = "${ESCALATION_FAILED_LOG}" }`,
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: Match.stringLikeRegexp('^InteractionsRejected-'),
    Statistic: 'Sum',
    Period: 300,
    Threshold: 50,
    AlarmActions: Match.arrayWith([{ Ref: Match.stringLikeRegexp('PipelineAlarmTopic') }]),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: Match.stringLikeRegexp('^EscalationsFailed-'), Threshold: 1 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('SlackAppInteractionFunction') } }],
  });
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
    ...deliveryFunction,
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
  [{ interactionConcurrency: 0 }, /interactionConcurrency \(interaction_concurrency in Python\) must be a whole number from 1 to 1000, got 0/],
  [{ rejectedRequestsAlarmThreshold: 2.5 }, /rejectedRequestsAlarmThreshold \(rejected_requests_alarm_threshold in Python\) must be a whole number from 1/],
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
  const sources = ['slack-app'].flatMap((dir) => readdirSync(join(__dirname, '..', 'lambda', dir)).map((f) => readFileSync(join(__dirname, '..', 'lambda', dir, f), 'utf8')));
  const called = new Set(sources.flatMap((source) => [...source.matchAll(/client\.(\w+(?:\.\w+)+)\(/g)].map((m) => m[1])));
  expect([...called].sort()).toEqual(Object.keys(needs).sort());
  for (const method of called) expect([method, needs[method].filter((s) => !scopes.includes(s))]).toEqual([method, []]);
});
