import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AlertDestination, AlertRule, LoginAlerts, PagerDutyRoutingKey, SlackBotToken, SlackSigningSecret, SlackWebhook } from '../src';

/**
 * The dashboard, read from the synthesized body: its graphs name the metrics the functions write
 * (namespace, metric names and the exact dimension sets of lambda/shared/metrics.ts), the queues and
 * the alarms of this deployment.
 */
function body(props: { metrics?: boolean; laterDestination?: boolean } = {}) {
  const stack = new Stack(new App(), 'Security', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);
  const slack = (name: string) => AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret(name)) });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    dashboard: true,
    metrics: props.metrics,
    rules: [AlertRule.suppress({ name: 'deploy from CI', users: ['deploy'] })],
    destinations: [slack('a')],
  });
  if (props.laterDestination) {
    alerts.addDestination(AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'pd', 'pd')) }));
  }
  const template = Template.fromStack(stack);
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  // The body is a Fn::Join of text and references: flattened, its widgets read as JSON text.
  const text = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  return { text, alerts, template };
}

test('graphs the functions\' own metrics, with their exact dimensions, per deployment', () => {
  const { text, alerts, template } = body();
  expect(alerts.dashboard).toBeDefined();
  // The Deployment the functions are told to write (DEPLOYMENT_NAME) is the one graphed.
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const names = new Set(functions.map((f) => f.Properties.Environment.Variables.DEPLOYMENT_NAME));
  expect(names.size).toBe(1);
  // [namespace, metric, dimension name, value, ...]: the dimension sets EMF writes (service, Deployment, one more).
  const deployment = `"Deployment","${[...names][0]}"`;
  for (const kind of ['ssh', 'console', 'ssm-session', 'instance-connect']) {
    expect(text).toContain(`["cdk-login-alerts","Logins",${deployment},"Kind","${kind}","service","ingest"`);
  }
  for (const severity of ['info', 'low', 'medium', 'high', 'critical']) {
    expect(text).toContain(`["cdk-login-alerts","Logins",${deployment},"Severity","${severity}","service","ingest"`);
  }
  expect(text).toContain(`["cdk-login-alerts","Suppressed",${deployment},"Rule","deploy from CI","service","ingest"`);
  for (const name of ['Repeats', 'FirstSeenSources', 'FailedLogins', 'UnparsedLines', 'EnrichmentFailures', 'LedgerUnavailable', 'RulesUnavailable']) {
    expect(text).toContain(`["cdk-login-alerts","${name}",${deployment},"service","ingest"`);
  }
  for (const name of ['Delivered', 'DeadLettered', 'DeliveryRetried']) {
    expect(text).toContain(`["cdk-login-alerts","${name}",${deployment},"Destination","slack","service","slack"`);
  }
});

test('dead-letter queues and every alarm of the pipeline are on it, a destination added later too', () => {
  const { text, template } = body({ laterDestination: true });
  for (const queue of Object.keys(template.findResources('AWS::SQS::Queue'))) {
    expect(text).toContain(`"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","{"Fn::GetAtt":["${queue}","QueueName"]}"`);
  }
  const onDashboard = [...text.matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)].map((m) => m[1]);
  expect(onDashboard.sort()).toEqual(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort());
});

test('with metrics off, only queues and alarms: no graph of a metric nothing writes', () => {
  const { text } = body({ metrics: false });
  expect(text).not.toContain('"cdk-login-alerts"');
  expect(text).toContain('ApproximateNumberOfMessagesVisible');
});

test('with the Slack app: a row of review metrics, exactly the ones its two functions count', () => {
  const stack = new Stack(new App(), 'Security', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'app', 'slack-app');
  new LoginAlerts(stack, 'LoginAlerts', {
    dashboard: true,
    destinations: [AlertDestination.slackApp({ botToken: SlackBotToken.fromSecret(secret, 'botToken'), signingSecret: SlackSigningSecret.fromSecret(secret, 'signingSecret'), channel: 'C0SECURITY' })],
  });
  const template = Template.fromStack(stack);
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const names = new Set(functions.map((f) => f.Properties.Environment.Variables.DEPLOYMENT_NAME));
  expect(names.size).toBe(1);
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const text = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  const graphed = [...text.matchAll(new RegExp(`\\["cdk-login-alerts","(\\w+)","Deployment","${[...names][0]}","service","slackapp"`, 'g'))].map((m) => m[1]);
  const counted = ['slack-app'].flatMap((dir) => readdirSync(join(__dirname, '..', 'lambda', dir))
    .flatMap((file) => [...readFileSync(join(__dirname, '..', 'lambda', dir, file), 'utf8').matchAll(/metrics\??\.count\('(\w+)', 1\)/g)].map((m) => m[1])));
  expect(graphed.sort()).toEqual([...new Set(counted)].sort());
  expect(graphed.length).toBe(10);
  expect(text).toContain(`["cdk-login-alerts","Delivered","Deployment","${[...names][0]}","Destination","slackapp","service","slackapp"`);
});
