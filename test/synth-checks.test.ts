import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConsoleLoginForwarder, LoginAlerts, PeopleDirectory } from '../src';

/**
 * Mistakes that used to synthesize and deploy silently, each now an error (or a warning where it
 * can be meant) that names the property as TypeScript and Python write it.
 */
const env = { account: '123456789012', region: 'us-east-1' };
const newStack = (app = new App(), id = 'Test', at = env) => new Stack(app, id, { env: at });
const synthesize = (stack: Stack) => stack.node.root instanceof App && (stack.node.root as App).synth();

describe('a pipeline that can never alert', () => {
  test('no log group, console sign-ins and session events off: refused at synth', () => {
    const stack = newStack();
    new LoginAlerts(stack, 'LoginAlerts', { consoleSignIns: false, sessionEvents: false });
    expect(() => synthesize(stack)).toThrow(/has no source of logins.*sshLogGroups \(ssh_log_groups in Python\) or windowsLogGroups \(windows_log_groups in Python\) \(or call addSshLogGroup, addWindowsLogGroup\)/);
  });

  test('a log group added later with addSshLogGroup is a source', () => {
    const stack = newStack();
    const alerts = new LoginAlerts(stack, 'LoginAlerts', { consoleSignIns: false, sessionEvents: false });
    alerts.addSshLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure'));
    expect(() => synthesize(stack)).not.toThrow();
  });

  test('allLogGroups alone is a source', () => {
    const stack = newStack();
    new LoginAlerts(stack, 'LoginAlerts', { consoleSignIns: false, sessionEvents: false, allLogGroups: true });
    expect(() => synthesize(stack)).not.toThrow();
  });
});

describe('a given topic and its key', () => {
  test('a topic created with a key: the ingest function is granted that key without topicEncryptionKey', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'CentralKey');
    new LoginAlerts(stack, 'LoginAlerts', { topic: new sns.Topic(stack, 'Mine', { masterKey: key }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralKey'), 'Arn'] } })]) },
    });
  });

  test('an imported topic with its keyArn: that key is granted', () => {
    const stack = newStack();
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    new LoginAlerts(stack, 'LoginAlerts', { topic: sns.Topic.fromTopicAttributes(stack, 'Imported', { topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', keyArn }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn })]) },
    });
  });

  test('another account\'s topic without topicEncryptionKey: a warning naming the property', () => {
    const stack = newStack();
    new LoginAlerts(stack, 'LoginAlerts', { topic: sns.Topic.fromTopicArn(stack, 'Central', 'arn:aws:sns:us-east-1:999999999999:alerts') });
    Annotations.fromStack(stack).hasWarning('/Test/LoginAlerts', Match.stringLikeRegexp('account 999999999999.*topicEncryptionKey \\(topic_encryption_key in Python\\)'));
  });

  test('another account\'s topic with its key: no warning', () => {
    const stack = newStack();
    new LoginAlerts(stack, 'LoginAlerts', {
      topic: sns.Topic.fromTopicArn(stack, 'Central', 'arn:aws:sns:us-east-1:999999999999:alerts'),
      topicEncryptionKey: kms.Key.fromKeyArn(stack, 'CentralKey', 'arn:aws:kms:us-east-1:999999999999:key/11111111-2222-3333-4444-555555555555'),
    });
    Annotations.fromStack(stack).hasNoWarning('/Test/LoginAlerts', Match.stringLikeRegexp('topicEncryptionKey'));
  });

  test('topicEncryptionKey without topic is refused', () => {
    const stack = newStack();
    const topicEncryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    expect(() => new LoginAlerts(stack, 'LoginAlerts', { topicEncryptionKey })).toThrow(/topicEncryptionKey \(topic_encryption_key in Python\) is the key of a given topic/);
  });
});

describe('log groups', () => {
  test('excludeLogGroups without allLogGroups is refused', () => {
    expect(() => new LoginAlerts(newStack(), 'LoginAlerts', { excludeLogGroups: ['/app'] })).toThrow(/excludeLogGroups \(exclude_log_groups in Python\) only applies with allLogGroups/);
  });

  test('the same log group imported twice is refused: it would take both filter slots', () => {
    const stack = newStack();
    expect(() => new LoginAlerts(stack, 'LoginAlerts', {
      sshLogGroups: [logs.LogGroup.fromLogGroupName(stack, 'A', '/ec2/secure'), logs.LogGroup.fromLogGroupName(stack, 'B', '/ec2/secure')],
    })).toThrow(/log group \/ec2\/secure is already subscribed by Test\/LoginAlerts; a log group has only two subscription filter slots/);
  });

  test('the same log group in two LoginAlerts of one account and region is refused', () => {
    const app = new App();
    const one = newStack(app, 'One');
    const two = newStack(app, 'Two');
    new LoginAlerts(one, 'LoginAlerts', { sshLogGroups: [logs.LogGroup.fromLogGroupName(one, 'Secure', '/ec2/secure')] });
    expect(() => new LoginAlerts(two, 'LoginAlerts', { sshLogGroups: [logs.LogGroup.fromLogGroupName(two, 'Secure', '/ec2/secure')] }))
      .toThrow(/already subscribed by One\/LoginAlerts/);
  });

  test('the same name in another region is another log group', () => {
    const app = new App();
    const one = newStack(app, 'One');
    const two = newStack(app, 'Two', { ...env, region: 'eu-west-1' });
    new LoginAlerts(one, 'LoginAlerts', { sshLogGroups: [logs.LogGroup.fromLogGroupName(one, 'Secure', '/ec2/secure')] });
    expect(() => new LoginAlerts(two, 'LoginAlerts', { sshLogGroups: [logs.LogGroup.fromLogGroupName(two, 'Secure', '/ec2/secure')] })).not.toThrow();
  });
});

describe('the sign-in bus', () => {
  test('two receiveForwardedSignIns in one account and region are refused: the bus name is fixed', () => {
    const app = new App();
    new LoginAlerts(newStack(app, 'One'), 'LoginAlerts', { receiveForwardedSignIns: true });
    expect(() => new LoginAlerts(newStack(app, 'Two'), 'LoginAlerts', { receiveForwardedSignIns: true }))
      .toThrow(/receiveForwardedSignIns \(receive_forwarded_sign_ins in Python\): One\/LoginAlerts already creates the login-alerts-sign-ins event bus/);
  });

  test('one per region is fine', () => {
    const app = new App();
    new LoginAlerts(newStack(app, 'One'), 'LoginAlerts', { receiveForwardedSignIns: true });
    expect(() => new LoginAlerts(newStack(app, 'Two', { ...env, region: 'eu-west-1' }), 'LoginAlerts', { receiveForwardedSignIns: true })).not.toThrow();
  });
});

describe('ConsoleLoginForwarder', () => {
  const forwarderIn = (region: string) => newStack(new App(), 'Forwarder', { ...env, region });

  test('a centralRegion that is not a region name is refused', () => {
    expect(() => new ConsoleLoginForwarder(forwarderIn('eu-west-1'), 'F', { centralRegion: 'us-east1' }))
      .toThrow(/centralRegion \(central_region in Python\) "us-east1" is not a region name/);
    expect(() => new ConsoleLoginForwarder(forwarderIn('eu-west-1'), 'F', { centralRegion: 'US-EAST-1' })).toThrow(/is not a region name/);
  });

  test('a forwarder in the central region itself is refused: every sign-in would alert twice', () => {
    expect(() => new ConsoleLoginForwarder(forwarderIn('us-east-1'), 'F', { centralRegion: 'us-east-1' })).toThrow(/its own region and account.*alert twice/);
    expect(() => new ConsoleLoginForwarder(forwarderIn('us-east-1'), 'F', { targetEventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/login-alerts-sign-ins' }))
      .toThrow(/its own region and account/);
  });

  test('the same region of another account (a member forwarding to the central account) is fine', () => {
    expect(() => new ConsoleLoginForwarder(forwarderIn('us-east-1'), 'F', { targetEventBusArn: 'arn:aws:events:us-east-1:999999999999:event-bus/login-alerts-sign-ins' }))
      .not.toThrow();
    expect(() => new ConsoleLoginForwarder(forwarderIn('us-gov-west-1'), 'F', { centralRegion: 'us-gov-east-1' })).not.toThrow();
  });
});

describe('whose session names may name a person', () => {
  test('identityProviderRoles reach the ingest function as IDENTITY_PROVIDER_ROLES', () => {
    const stack = newStack();
    new LoginAlerts(stack, 'LoginAlerts', { identityProviderRoles: ['Okta-*', 'SamlEngineers'], people: PeopleDirectory.fromPeople([{ name: 'Alice Doe', ssoUserNames: ['alice@example.com'] }]) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ IDENTITY_PROVIDER_ROLES: 'Okta-*,SamlEngineers' }) } });
  });

  test.each([
    ['a role ARN', 'arn:aws:iam::123456789012:role/Okta', /identityProviderRoles \(identity_provider_roles in Python\): "arn:aws:iam::123456789012:role\/Okta" is not an IAM role name/],
    ['a bare wildcard, which would trust every role', '*', /"\*" is not an IAM role name/],
    ['a name with a space', 'Okta Engineers', /is not an IAM role name/],
  ])('%s is refused at synth', (_, role, message) => {
    const stack = newStack();
    expect(() => new LoginAlerts(stack, 'LoginAlerts', { identityProviderRoles: [role], people: PeopleDirectory.fromPeople([{ name: 'A' }]) })).toThrow(message);
  });

  test('without a people directory there is nobody to name: refused', () => {
    expect(() => new LoginAlerts(newStack(), 'LoginAlerts', { identityProviderRoles: ['Okta-*'] })).toThrow(/identityProviderRoles .* give people too/);
  });
});

