import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

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
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  if (organizationId) {
    // Member accounts' LoginAlerts publish their SSH alerts here (`topic` + `topicEncryptionKey`).
    const inOrganization = { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
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
 * Denies publishing to everyone but the given role and CloudWatch alarms, so no other principal of
 * the account (however broad its IAM policy) can forge an alert or drown real ones.
 */
export function restrictPublishers(topic: sns.Topic, publisher: iam.IRole, organizationId?: string): void {
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyPublishingExceptIngestAndAlarms',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    // Negated operators are true when the key is absent: IAM principals have no PrincipalServiceName,
    // service principals no PrincipalArn. Only the ingest role and CloudWatch escape the deny.
    conditions: {
      StringNotEquals: {
        'aws:PrincipalArn': publisher.roleArn,
        'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com',
        // With an organization, its members' LoginAlerts may publish too.
        ...(organizationId && { 'aws:PrincipalOrgID': organizationId }),
      },
    },
  }));
}

/** sns:Publish on the topic and the two KMS actions an encrypted publish needs. */
export function grantPublish(topic: sns.ITopic, key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  if (key) grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}
