import { Duration } from 'aws-cdk-lib';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DestinationFilterOptions } from './filter-options';
import type { AlertDestinationResources, DestinationContext } from './resources';
import { type Severity, SEVERITY_ORDER } from '../alert-types';
import { metricsEnvironment } from '../contract/metrics';
import { bundledFunction } from '../private/bundled-function';
import { deadLetterQueue as createDeadLetterQueue, grantDeadLetterWrite, QueueOnFailure } from '../private/dead-letter-queue';
import { filterPolicy } from '../private/filter-policy';
import type { SecretReference } from '../secrets';

/** What every destination shares: a function subscribed to the topic with its filter, retries and dead-letter queue. */

/** `<PREFIX>_SECRET_ARN` and, for a JSON field, `<PREFIX>_SECRET_FIELD`: never the value. */
export function secretEnvironment(prefix: string, secret: SecretReference): Record<string, string> {
  return {
    [`${prefix}_SECRET_ARN`]: secret.secret.secretArn,
    ...(secret.field !== undefined && { [`${prefix}_SECRET_FIELD`]: secret.field }),
  };
}

export function validateMentions(mentions: { [severity: string]: string } | undefined): void {
  const known: string[] = SEVERITY_ORDER;
  for (const severity of Object.keys(mentions ?? {})) {
    if (!known.includes(severity)) throw new Error(`mentions: "${severity}" is not a severity (${known.join(', ')})`);
  }
}

export interface SubscriberSpec {
  readonly destinationType: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly secret: SecretReference;
  readonly filter: DestinationFilterOptions;
  readonly defaultMinSeverity: Severity;
  /** The bundle under `assets/`: the destination type unless given. */
  readonly bundle?: string;
}

/** Lambda retries a failed asynchronous invocation twice (1 and 2 minutes later) before giving up. */
const ASYNC_RETRY_ATTEMPTS = 2;
const MAX_EVENT_AGE = Duration.hours(6);

export function subscribeFunction(scope: Construct, context: DestinationContext, spec: SubscriberSpec): AlertDestinationResources {
  const deadLetterQueue = createDeadLetterQueue(scope, 'DeadLetterQueue', context.deadLetterKey);
  const { fn, logGroup } = bundledFunction(scope, 'Function', {
    bundle: spec.bundle ?? spec.destinationType,
    description: spec.description,
    environment: {
      ...spec.environment,
      DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
      // Alarm notifications are acted on (a PagerDuty resolve) only from the topic alarms publish to.
      ALARM_TOPIC_ARNS: (context.pipelineAlarmTopic ?? context.topic).topicArn,
      ...metricsEnvironment(context.deploymentName),
    },
    logRetention: context.logRetention,
    logKey: context.logKey,
    // Room to wait out a Slack or PagerDuty rate limit (Retry-After) within one invocation.
    timeout: Duration.minutes(1),
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    maxEventAge: MAX_EVENT_AGE,
    onFailure: new QueueOnFailure(deadLetterQueue),
  });
  spec.secret.secret.grantRead(fn);
  // Both the function (refused messages) and Lambda's on-failure destination (its role) write here.
  grantDeadLetterWrite(deadLetterQueue, context.deadLetterKey, fn);
  const subscription = context.topic.addSubscription(new subscriptions.LambdaSubscription(fn, {
    filterPolicy: filterPolicy(spec.filter, spec.defaultMinSeverity, context.routingTagKeys ?? []),
    // Notifications SNS cannot hand to the function (e.g. it was throttled past SNS's retries).
    deadLetterQueue,
  }));
  context.pipelineAlarmTopic?.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue }));
  return { destinationType: spec.destinationType, deliveryFunction: fn, logGroup, deadLetterQueue, subscription };
}
