import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * The key of the construct's log groups (each function's): they hold user names, source addresses
 * and, for lines that could not be parsed, raw auth lines. CloudWatch Logs of this region may use it
 * for this account's log groups only (the encryption context it sends names the log group).
 */
export function createLogsKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'LogsKey', {
    description: 'Encrypts the log groups of cdk-login-alerts (user names, source addresses, auth lines)',
    enableKeyRotation: true,
  });
  allowCloudWatchLogs(key);
  return key;
}

/** CloudWatch Logs' use of a key for this account's log groups in this region; a no-op on a key imported from elsewhere. */
export function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
}
