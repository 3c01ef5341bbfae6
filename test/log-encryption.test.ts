import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AlertDestination, LoginAlerts, SlackWebhook, type LoginAlertsProps } from '../src';

/**
 * The log groups hold personal data (user names, source addresses, raw auth lines): every one the
 * construct creates is encrypted with a customer-managed key, its own or one given, whose policy
 * lets CloudWatch Logs of this region use it for this account's log groups only.
 */

function synth(props: Partial<LoginAlertsProps> = {}, withKey?: (stack: Stack) => kms.IKey) {
  const stack = new Stack(new App(), 'Logs', { env: { account: '123456789012', region: 'eu-west-1' } });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    sshLogGroups: [logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure')],
    reconcile: {},
    coverage: {},
    destinations: [AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'slack')) })],
    ...(withKey && { logsKey: withKey(stack) }),
    ...props,
  });
  return { alerts, template: Template.fromStack(stack) };
}

const logGroups = (template: Template) => Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties);

test('by default every log group the construct creates is encrypted with its own key, which CloudWatch Logs may use for this account only', () => {
  const { alerts, template } = synth();
  const groups = logGroups(template);
  // Ingest, reconciler, coverage and the Slack destination.
  expect(groups).toHaveLength(4);
  const [keyId] = Object.keys(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('log groups of cdk-login-alerts') } }));
  for (const group of groups) expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  template.hasResourceProperties('AWS::KMS::Key', {
    EnableKeyRotation: true,
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowCloudWatchLogsOfThisAccount',
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:*']] } } },
      })]),
    },
  });
  expect(alerts.logsKey).toBeDefined();
});

test('a key given is used, and given the statement CloudWatch Logs needs', () => {
  const { alerts, template } = synth({}, (stack) => new kms.Key(stack, 'TeamKey', { enableKeyRotation: true }));
  const [keyId] = Object.keys(template.findResources('AWS::KMS::Key', { Properties: { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsOfThisAccount' })]) } } }));
  expect(keyId).toMatch(/^TeamKey/);
  for (const group of logGroups(template)) expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  expect(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('log groups of cdk-login-alerts') } })).toEqual({});
  expect(alerts.logsKey).toBeDefined();
});

test('encryptLogs: false leaves them to CloudWatch Logs\' own encryption; with a key given too, refused', () => {
  const { alerts, template } = synth({ encryptLogs: false });
  for (const group of logGroups(template)) expect(group.KmsKeyId).toBeUndefined();
  expect(alerts.logsKey).toBeUndefined();
  expect(() => synth({ encryptLogs: false }, (stack) => new kms.Key(stack, 'K'))).toThrow(/logsKey \(logs_key in Python\) encrypts the log groups, which encryptLogs \(encrypt_logs in Python\): false/);
});
