import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * Member deployments' ingest roles are named with this prefix (`LoginAlerts` given a `topic`), so a
 * central topic can allow exactly them, and not every principal of the organization.
 */
export const MEMBER_INGEST_ROLE_PREFIX = 'cdk-login-alerts-ingest-';

function memberIngestRoles(scope: Construct): string {
  return `arn:${Stack.of(scope).partition}:iam::*:role/${MEMBER_INGEST_ROLE_PREFIX}*`;
}

/**
 * The alert topic: encrypted with a customer-managed key (CloudWatch alarms can only publish to an
 * encrypted topic whose key policy lets them), TLS only, and publishable by exactly two principals:
 * the ingest function's role and CloudWatch alarms of this account.
 */
export function createAlertTopic(scope: Construct, organizationId?: string): { topic: sns.Topic; key: kms.Key } {
  const account = Stack.of(scope).account;
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the login alerts topic of cdk-login-alerts',
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': account } },
  }));
  const topic = new sns.Topic(scope, 'Topic', { displayName: 'Login alerts', masterKey: key, enforceSSL: true });
  allowAlarmsToPublish(topic);
  if (organizationId) {
    // Member accounts' LoginAlerts publish their SSH alerts here (`topic` + `topicEncryptionKey`):
    // their ingest roles, by name, from the organization; no other principal of it.
    const inOrganization = {
      StringEquals: { 'aws:PrincipalOrgID': organizationId },
      ArnLike: { 'aws:PrincipalArn': memberIngestRoles(scope) },
    };
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowOrganizationToPublish', principals: [new iam.AnyPrincipal()], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: inOrganization,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowOrganizationToPublish',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { ...inOrganization, StringLike: { 'kms:ViaService': 'sns.*.amazonaws.com' } },
    }));
  }
  return { topic, key };
}

/**
 * Denies publishing to everyone but the given roles and CloudWatch alarms (and, with an
 * organization, its members' ingest roles), so no other principal (however broad its IAM policy)
 * can forge an alert or drown real ones. `publishers` is read at synth: roles added to it later
 * (a destination publishing escalations) are allowed too.
 */
export function restrictPublishers(topic: sns.Topic, publishers: readonly iam.IRole[], organizationId?: string): void {
  // Negated operators are true when the key is absent: IAM principals have no PrincipalServiceName,
  // service principals no PrincipalArn. The conditions of one statement must all hold to deny; with
  // a list of values, StringNotEquals holds when the key equals none of them.
  const notIngestOrAlarms = {
    'aws:PrincipalArn': Lazy.any({ produce: () => (publishers.length === 1 ? publishers[0].roleArn : publishers.map((p) => p.roleArn)) }),
    'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com',
  };
  denyPublishing(topic, 'DenyPublishingExceptIngestAndAlarms', {
    StringNotEquals: { ...notIngestOrAlarms, ...(organizationId && { 'aws:PrincipalOrgID': organizationId }) },
  });
  if (!organizationId) return;
  // Within the organization, only roles named like member ingest roles: denied unless the name fits.
  denyPublishing(topic, 'DenyOrganizationPublishingExceptMemberIngestRoles', {
    StringNotEquals: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' },
    ArnNotLike: { 'aws:PrincipalArn': Lazy.any({ produce: () => [...publishers.map((p) => p.roleArn), memberIngestRoles(topic)] }) },
  });
}

/** CloudWatch alarms of this account, and only alarms, may publish to the topic. */
function allowAlarmsToPublish(topic: sns.Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
}

/** An explicit deny of sns:Publish on the topic for every principal the conditions match. */
function denyPublishing(topic: sns.Topic, sid: string, conditions: Record<string, unknown>): void {
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions,
  }));
}

/**
 * A topic only CloudWatch alarms of this account can publish to. With an organization, member
 * ingest roles may publish to the alert topic, so an alarm-shaped message there could be forged
 * (and a forged "OK" would resolve a real PagerDuty incident): alarms go here instead, and the
 * destinations honour alarm notifications from this topic only.
 */
export function createPipelineAlarmTopic(scope: Construct, key: kms.IKey): sns.Topic {
  const topic = new sns.Topic(scope, 'PipelineAlarmTopic', { displayName: 'Login alerts: pipeline alarms', masterKey: key, enforceSSL: true });
  allowAlarmsToPublish(topic);
  denyPublishing(topic, 'DenyPublishingExceptAlarms', { StringNotEquals: { 'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com' } });
  return topic;
}

/** sns:Publish on the topic and the two KMS actions an encrypted publish needs. */
export function grantPublish(topic: sns.ITopic, key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  if (key) grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}
