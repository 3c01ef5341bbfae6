import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * What a destination added to the stack.
 */
export interface AlertDestinationResources {
  /**
   * `slack`, `slackapp` or `pagerduty`.
   */
  readonly destinationType: string;

  /**
   * The function delivering alerts to the destination (the Slack app's also sends its reminders).
   */
  readonly deliveryFunction: lambda.IFunction;

  /**
   * The function's log group.
   */
  readonly logGroup: logs.ILogGroup;

  /**
   * What could not be delivered: refused messages (with the reason), invocations that failed every
   * retry (Lambda's on-failure destination) and notifications SNS could not hand to the function.
   * KMS-encrypted, TLS only, kept 14 days.
   */
  readonly deadLetterQueue: sqs.IQueue;

  /**
   * The topic subscription, with its filter policy.
   */
  readonly subscription: sns.Subscription;

  /**
   * The function answering the Slack app's buttons, behind a Function URL.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionFunction?: lambda.IFunction;

  /**
   * The interaction function's log group: rejected (unsigned, forged, replayed) requests are logged here.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionLogGroup?: logs.ILogGroup;

  /**
   * The Slack app's Request URL (Interactivity & Shortcuts), also a stack output.
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly interactionUrl?: string;

  /**
   * The queue of delayed reminders, one message per open review (KMS-encrypted; redrives to the
   * dead-letter queue).
   *
   * Conditional: only for `AlertDestination.slackApp`.
   */
  readonly reminderQueue?: sqs.IQueue;

  /**
   * Roles that publish escalations to the alert topic: its policy allows them.
   *
   * @default - none
   */
  readonly topicPublishers?: iam.IRole[];

  /**
   * Alarms the destination adds to the pipeline's own (the Slack app: its interaction endpoint
   * failing, throttled or flooded with refused requests, and escalations not published yet).
   *
   * @default - none
   */
  readonly alarms?: cloudwatch.Alarm[];
}

/**
 * What a destination needs from the LoginAlerts it is added to.
 */
export interface DestinationContext {
  /** The alert topic. */
  readonly topic: sns.ITopic;
  /**
   * A topic only CloudWatch alarms publish to, when alarms do not go to the alert topic
   * (`LoginAlerts` with `organizationId`): subscribe to it too, and trust alarms from it only.
   *
   * @default - alarms arrive on the alert topic
   */
  readonly pipelineAlarmTopic?: sns.ITopic;
  /** The key encrypting dead-letter queues. */
  readonly deadLetterKey: kms.IKey;
  /** Retention of the function's logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The key that encrypts the function's log group.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKey?: kms.IKey;
  /**
   * The instance tag keys the ingest function publishes as `tag.<key>` message attributes
   * (`routingTagKeys`): the ones a destination may filter on.
   *
   * @default - none
   */
  readonly routingTagKeys?: string[];
  /**
   * The login ledger, where the Slack app keeps each message and review.
   *
   * @default - no ledger
   */
  readonly ledgerTable?: dynamodb.ITable;
  /**
   * The `Deployment` dimension of the pipeline's metrics (`DEPLOYMENT_NAME`), when metrics are on.
   *
   * @default - the destination writes no metrics
   */
  readonly deploymentName?: string;
}
