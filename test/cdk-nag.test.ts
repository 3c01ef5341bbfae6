import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';

import { AwsSolutionsChecks } from 'cdk-nag';
import { AlertDestination, ConsoleLoginForwarder, LoginAlerts, PagerDutyRoutingKey, PeopleDirectory, Severity, SlackBotToken, SlackSigningSecret, SlackWebhook } from '../src';

/** A stack that uses every option, checked by cdk-nag's AWS Solutions rules. */
function everyOption(): Stack {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);
  new LoginAlerts(stack, 'LoginAlerts', {
    sshLogGroups: Array.from({ length: 12 }, (_, i) => logs.LogGroup.fromLogGroupName(stack, `Group${i}`, `/ec2/${i}/secure`)),
    trustedCidrs: ['198.51.100.0/24'],
    logRetention: logs.RetentionDays.THREE_MONTHS,
    instanceCacheTtl: Duration.minutes(2),
    resolveIdentityCenterUsers: true,
    receiveForwardedSignIns: true,
    organizationId: 'o-a1b2c3d4e5',
    allLogGroups: true,
    alarmTopic: new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) }),
    people: PeopleDirectory.fromPeople([{ name: 'Alice Doe', email: 'alice@example.com', keyFingerprints: ['SHA256:aliceKey'] }]),
    reconcile: { regions: ['eu-north-1'], logGroupNamePrefixes: ['/ec2/'] },
    coverage: { regions: ['us-east-1'], exemptTags: { 'aws:autoscaling:groupName': 'ci-runners' } },

    destinations: [
      AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret('slack')) }),
      AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secret('pagerduty'), 'routingKey'), minSeverity: Severity.HIGH }),
      AlertDestination.slackApp({
        botToken: SlackBotToken.fromSecret(secret('slack-app'), 'botToken'),
        signingSecret: SlackSigningSecret.fromSecret(secret('slack-signing'), 'signingSecret'),
        channel: 'C0SECURITY',
        approvers: ['U0OSCAR1'],
        approverGroup: 'S0SECOPS',
      }),
    ],
  });
  const remote = new Stack(app, 'NagRemote', { env: { account: '123456789012', region: 'eu-north-1' } });
  new ConsoleLoginForwarder(remote, 'Forwarder', { centralRegion: 'us-east-1' });
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(remote).add(new AwsSolutionsChecks({ verbose: true }));
  return stack;
}

test('cdk-nag AwsSolutions: no unsuppressed finding with every option in use', () => {
  const central = everyOption();
  const remote = central.node.root.node.findChild('NagRemote') as Stack;
  const findings = [central, remote].flatMap((stack) => {
    const annotations = Annotations.fromStack(stack);
    return [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ];
  }).map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
  expect(findings).toEqual([]);
});

test('every acknowledged finding carries a reason a reviewer can check', () => {
  const resources = Object.values(Template.fromStack(everyOption()).toJSON().Resources) as any[];
  const acknowledged = resources.flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
  expect(new Set(acknowledged.map((r: any) => r.id))).toEqual(new Set(['AwsSolutions-L1', 'AwsSolutions-SQS3', 'AwsSolutions-IAM5']));
  for (const rule of acknowledged) expect(rule.reason.length).toBeGreaterThan(60);
  // The wildcards acknowledged: DescribeInstances' (ingest and reconciler), DescribeTasks on this
  // account's tasks (both), and the reconciler's LookupEvents and DescribeLogGroups (no
  // resource-level permissions) and its log group prefix; the coverage run's reads.
  const tasks = { regex: '/^Resource::arn:<AWS::Partition>:ecs:\\*:(<AWS::AccountId>|\\d{12}):task\\/\\*$/g' };
  // With resolveIdentityCenterUsers, DescribeUser on this account's stores and their users (both).
  const users = [{ regex: '/^Resource::arn:<AWS::Partition>:identitystore::(<AWS::AccountId>|\\d{12}):identitystore\\/\\*$/g' }, 'Resource::arn:<AWS::Partition>:identitystore:::user/*'];
  expect(acknowledged.filter((r: any) => r.id === 'AwsSolutions-IAM5').map((r: any) => r.applies_to)).toEqual([
    ['Resource::*'],
    [tasks],
    users,
    ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:logs:.+:log-group:.+$/g' }],
    ['Resource::*'],
    [tasks],
    users,
    // The coverage run: its read-only calls without resource-level permissions, DescribeRule on the watched regions' rules, DescribeLogStreams on the groups.
    ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:(events|logs):.+$/g' }],
  ]);
});

test('checkov: each function, and the public Function URL, says why the checks it fails by design are skipped (README, "Scanners")', () => {
  const resources = Object.entries(Template.fromStack(everyOption()).toJSON().Resources) as Array<[string, any]>;
  const skipped = (type: string) => resources.filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, (r.Metadata?.checkov?.skip ?? []).map((s: any) => s.id).sort()]);
  const byDesign = ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173'];
  for (const [id, ids] of skipped('AWS::Lambda::Function')) expect([id, ids]).toEqual([id, byDesign]);
  expect(skipped('AWS::Lambda::Url').map(([, ids]) => ids)).toEqual([['CKV_AWS_258']]);
  // cfn-lint's only finding, aws-cdk-lib's redundant DependsOn on the role, ignored on each function.
  for (const [, r] of resources.filter(([, x]) => x.Type === 'AWS::Lambda::Function')) expect(r.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W3005'] } });
  const comments = resources.flatMap(([, r]) => r.Metadata?.checkov?.skip ?? []).map((s: any) => s.comment);
  for (const comment of comments) expect(comment.length).toBeGreaterThan(60);
});
