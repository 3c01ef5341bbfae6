import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The alarms that say the alerting pipeline itself is unwell: anything in a dead-letter queue,
 * a function error (after which Lambda retries), a throttle. One breach is enough: a missed login
 * alert is the failure this library exists to prevent.
 */
export function functionAlarms(scope: Construct, what: string, fn: lambda.IFunction): cloudwatch.Alarm[] {
  const period = Duration.minutes(1);
  return [
    fn.metricErrors({ period, statistic: 'Sum' }).createAlarm(scope, 'ErrorsAlarm', {
      alarmDescription: `cdk-login-alerts: the ${what} function failed; Lambda retries it, and what keeps failing lands in its dead-letter queue.`,
      ...atLeastOnce,
    }),
    fn.metricThrottles({ period, statistic: 'Sum' }).createAlarm(scope, 'ThrottlesAlarm', {
      alarmDescription: `cdk-login-alerts: the ${what} function was throttled; alerts are delayed until concurrency is available.`,
      ...atLeastOnce,
    }),
  ];
}

export function deadLetterAlarm(scope: Construct, what: string, queue: sqs.IQueue): cloudwatch.Alarm {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(scope, 'DeadLetterAlarm', {
    alarmDescription: `cdk-login-alerts: ${what} has messages that could not be delivered; each holds the reason. Fix the cause, then replay them.`,
    ...atLeastOnce,
  });
}

const atLeastOnce = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
};
