import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { acknowledgeNag } from './nag';

/** Lets the ingest function look instances up (name, tags, IP) for enrichment. */
export function grantInstanceLookups(ingest: lambda.Function): void {
  ingest.addToRolePolicy(new iam.PolicyStatement({
    sid: 'DescribeInstancesForEnrichment',
    actions: ['ec2:DescribeInstances'],
    // DescribeInstances supports no resource-level permissions.
    resources: ['*'],
  }));
  acknowledgeNag(ingest.role!.node.findChild('DefaultPolicy'), {
    id: 'AwsSolutions-IAM5',
    reason: 'ec2:DescribeInstances supports no resource-level permissions. It is read-only and only used to add the instance name and tags to SSH alerts; enrichInstances: false removes it.',
    appliesTo: ['Resource::*'],
  });
}

/** Lets the ingest function look up the ECS tasks ECS Exec ran in (service, task definition, tags), in any region of this account. */
export function grantTaskLookups(ingest: lambda.Function): void {
  ingest.addToRolePolicy(new iam.PolicyStatement({
    sid: 'DescribeTasksForEnrichment',
    actions: ['ecs:DescribeTasks'],
    resources: [Stack.of(ingest).formatArn({ service: 'ecs', region: '*', resource: 'task', resourceName: '*' })],
  }));
  acknowledgeNag(ingest.role!.node.findChild('DefaultPolicy'), {
    id: 'AwsSolutions-IAM5',
    reason: 'ecs:DescribeTasks is read-only and scoped to this account\'s tasks; an ECS Exec record may name any task in any region. enrichTasks: false removes it.',
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:ecs:\\*:(<AWS::AccountId>|\\d{12}):task\\/\\*$/g' }],
  });
}

/** Lets the ingest function read Identity Center users' names (resolveIdentityCenterUsers), in this account's identity stores. */
export function grantUserLookups(ingest: lambda.Function): void {
  const stack = Stack.of(ingest);
  ingest.addToRolePolicy(new iam.PolicyStatement({
    sid: 'DescribeUserForNames',
    actions: ['identitystore:DescribeUser'],
    // DescribeUser is authorized on the store and on the user (Service Authorization Reference).
    resources: [
      stack.formatArn({ service: 'identitystore', region: '', resource: 'identitystore', resourceName: '*' }),
      stack.formatArn({ service: 'identitystore', region: '', account: '', resource: 'user', resourceName: '*' }),
    ],
  }));
  acknowledgeNag(ingest.role!.node.findChild('DefaultPolicy'), {
    id: 'AwsSolutions-IAM5',
    reason: 'identitystore:DescribeUser is read-only and scoped to this account\'s identity stores; a sign-in record may name any user of the store. resolveIdentityCenterUsers: false (the default) removes it.',
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:identitystore::(<AWS::AccountId>|\\d{12}):identitystore\\/\\*$/g' },
      'Resource::arn:<AWS::Partition>:identitystore:::user/*',
    ],
  });
}
