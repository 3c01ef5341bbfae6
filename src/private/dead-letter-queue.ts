import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from './nag';

/** Where undeliverable work waits for a replay: KMS-encrypted, TLS only, kept 14 days. */
export function deadLetterQueue(scope: Construct, id: string, key: kms.IKey): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeNag(queue, {
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue (Lambda on-failure destination, SNS subscription redrive, EventBridge target DLQ), watched by an alarm; a dead-letter queue behind it would only move the problem.',
  });
  return queue;
}

/**
 * Lets a function write to a dead-letter queue and nothing more: `sqs:SendMessage` on the queue and
 * the two KMS actions SSE needs to send (CDK's `grantSendMessages` also grants Encrypt and ReEncrypt*).
 */
export function grantDeadLetterWrite(queue: sqs.IQueue, key: kms.IKey, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}

/**
 * Lambda's on-failure destination for asynchronous invocations, without the broad grant of
 * `aws-lambda-destinations.SqsDestination` (the caller grants with `grantDeadLetterWrite`).
 */
export class QueueOnFailure implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  public bind(): lambda.DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}

/**
 * One key for every dead-letter queue. SNS (subscription redrive) and EventBridge (target DLQ)
 * write to those queues themselves, so the key lets them, for this account only.
 */
export function createDeadLetterKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'DeadLetterKey', {
    description: 'Encrypts the dead-letter queues of cdk-login-alerts',
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowSnsAndEventBridgeToDeadLetter',
    principals: [new iam.ServicePrincipal('sns.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
  }));
  return key;
}
