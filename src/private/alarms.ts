import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The alarms that say the alerting pipeline itself is unwell: anything in a dead-letter queue,
 * a function error (after which Lambda retries), a throttle, and every signal that something was
 * dropped on the way to a dead-letter queue. One breach is enough: a missed login alert is the
 * failure this library exists to prevent.
 */
export function functionAlarms(scope: Construct, what: string, fn: lambda.IFunction): cloudwatch.Alarm[] {
  const period = Duration.minutes(1);
  const metric = (metricName: string) => fn.metric(metricName, { period, statistic: 'Sum' });
  return [
    fn.metricErrors({ period, statistic: 'Sum' }).createAlarm(scope, 'ErrorsAlarm', {
      alarmDescription: `cdk-login-alerts: the ${what} function failed; Lambda retries it, and what keeps failing lands in its dead-letter queue.`,
      ...atLeastOnce,
    }),
    fn.metricThrottles({ period, statistic: 'Sum' }).createAlarm(scope, 'ThrottlesAlarm', {
      alarmDescription: `cdk-login-alerts: the ${what} function was throttled; alerts are delayed until concurrency is available.`,
      ...atLeastOnce,
    }),
    // Lambda could not write a failed event to the on-failure destination (queue deleted, key
    // disabled, policy changed): that event is gone, and only this metric says so.
    metric('DestinationDeliveryFailures').createAlarm(scope, 'DestinationDeliveryFailuresAlarm', {
      alarmDescription: `cdk-login-alerts: the ${what} function could not write failed events to its dead-letter queue, so they were dropped. Check that the queue and its KMS key exist and the function may use them.`,
      ...atLeastOnce,
    }),
    metric('AsyncEventsDropped').createAlarm(scope, 'AsyncEventsDroppedAlarm', {
      alarmDescription: `cdk-login-alerts: Lambda dropped events for the ${what} function without processing them (too old, or retries exhausted with nowhere to send them).`,
      ...atLeastOnce,
    }),
  ];
}

/** The Slack app's button endpoint failing: a press was not recorded (Slack showed the presser an error). */
export function interactionErrorsAlarm(scope: Construct, fn: lambda.IFunction): cloudwatch.Alarm {
  return fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(scope, 'InteractionErrorsAlarm', {
    alarmDescription: 'cdk-login-alerts: the Slack app\'s interaction function failed: a button press was not recorded, and Slack showed its presser an error (pressing again is safe). Its log says why.',
    ...atLeastOnce,
  });
}

export function deadLetterAlarm(scope: Construct, what: string, queue: sqs.IQueue): cloudwatch.Alarm {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(scope, 'DeadLetterAlarm', {
    alarmDescription: `cdk-login-alerts: ${what} has messages that could not be delivered; each holds the reason. Fix the cause, then replay them.`,
    ...atLeastOnce,
  });
}

/** EventBridge could not invoke a rule's target, or could not put the event in the target's dead-letter queue. */
export function ruleAlarms(scope: Construct, what: string, rule: events.IRule, eventBus?: events.IEventBus): cloudwatch.Alarm[] {
  const metric = (metricName: string) => new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    // Rules on a custom bus are reported per bus and rule; rules on the default bus per rule.
    dimensionsMap: { RuleName: rule.ruleName, ...(eventBus && { EventBusName: eventBus.eventBusName }) },
    period: Duration.minutes(1),
    statistic: 'Sum',
  });
  return [
    metric('FailedInvocations').createAlarm(scope, 'FailedInvocationsAlarm', {
      alarmDescription: `cdk-login-alerts: ${what} failed to deliver events to its target; EventBridge retries, then sends them to the dead-letter queue.`,
      ...atLeastOnce,
    }),
    metric('InvocationsFailedToBeSentToDlq').createAlarm(scope, 'DeadLetterFailuresAlarm', {
      alarmDescription: `cdk-login-alerts: ${what} could not put undeliverable events in its dead-letter queue, so they were dropped. Check the queue, its KMS key and its policy.`,
      ...atLeastOnce,
    }),
  ];
}

/** SNS could not move an undeliverable notification into a subscription's dead-letter queue. */
export function topicRedriveAlarm(scope: Construct, topic: sns.ITopic): cloudwatch.Alarm {
  return topic.metric('NumberOfNotificationsFailedToRedriveToDlq', { period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(scope, 'RedriveFailuresAlarm', {
    alarmDescription: 'cdk-login-alerts: SNS could not put undeliverable alerts in a destination\'s dead-letter queue, so they were dropped. Check the queue, its KMS key and its policy.',
    ...atLeastOnce,
  });
}

/** One breach is enough: a missed login alert is the failure this library exists to prevent. */
export const atLeastOnce = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
};

/**
 * Counts a function's log lines whose `message` is exactly `message` (Powertools' JSON lines) with a
 * metric filter, so an alarm works whether or not the pipeline's EMF metrics are on. One metric per
 * deployment, named `<metricPrefix>-<unique id of scope>`: a metric filter cannot add a fixed
 * dimension, and two LoginAlerts in one account must not set off each other's alarm.
 */
export function countLogLines(scope: Construct, id: string, logGroup: logs.ILogGroup, message: string, metricPrefix: string): logs.MetricFilter {
  return new logs.MetricFilter(scope, id, {
    logGroup,
    filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
    metricNamespace: 'cdk-login-alerts',
    metricName: `${metricPrefix}-${Names.uniqueResourceName(scope, { maxLength: 200 })}`,
    metricValue: '1',
  });
}
