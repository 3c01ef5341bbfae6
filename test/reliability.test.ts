import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertDestination, LoginAlerts, PagerDutyRoutingKey, SlackWebhook } from '../src';

/** Every asynchronous hop has bounded retries and a dead-letter queue; every dead letter and failure alarms. */
function build(withAlarmTopic = false) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    alarmTopic: withAlarmTopic ? new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey') }) : undefined,
    destinations: [
      AlertDestination.slack({ webhook: SlackWebhook.fromSecret(secret('slack')) }),
      AlertDestination.pagerDuty({ routingKey: PagerDutyRoutingKey.fromSecret(secret('pd')) }),
    ],
  });
  return { stack, alerts, template: Template.fromStack(stack) };
}

describe('nothing lost', () => {
  test('EventBridge retries delivery to the ingest function for a day, then dead-letters the event', () => {
    build().template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestDeadLetterQueue'), 'Arn'] } },
      })],
    });
  });

  test('the ingest function\'s asynchronous invocations retry twice within six hours, then go to its dead-letter queue', () => {
    build().template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('IngestFunction') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestDeadLetterQueue'), 'Arn'] } } },
    });
  });

  test('EventBridge may write to the ingest dead-letter queue, for this rule only', () => {
    build().template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('ConsoleLoginRule'), 'Arn'] } } },
        })]),
      },
    });
  });

  test('alarms: a message in any dead-letter queue, any function error or throttle, anything dropped on its way to one', () => {
    const { template, alerts } = build();
    // 3 functions × (errors, throttles, destination delivery failures, dropped events) + 3 dead-letter
    // queues + the sign-in and session rules × (failed invocations, failed dead-lettering) + the topic's failed redrives
    // + the login ledger unavailable + the pipeline alarm topic's failed redrives
    expect(alerts.alarms).toHaveLength(22);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'DestinationDeliveryFailures', Namespace: 'AWS/Lambda', Threshold: 1 }, 3);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'AsyncEventsDropped', Namespace: 'AWS/Lambda', Threshold: 1 }, 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InvocationsFailedToBeSentToDlq', Namespace: 'AWS/Events', Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('ConsoleLoginRule') } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedInvocations', Namespace: 'AWS/Events' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfNotificationsFailedToRedriveToDlq', Namespace: 'AWS/SNS', Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('LoginAlertsTopic'), 'TopicName'] } }],
    });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1,
    }, 3);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 }, 3);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Namespace: 'AWS/Lambda', Threshold: 1 }, 3);
  });

  test('alarms and recoveries notify the pipeline alarm topic (destinations), the alert topic (email, your subscribers) and the alarm topic when given', () => {
    const pipeline = { Ref: Match.stringLikeRegexp('PipelineAlarmTopic') };
    const topic = { Ref: Match.stringLikeRegexp('LoginAlertsTopic[0-9A-F]+$') };
    build().template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [pipeline, topic], OKActions: [pipeline, topic], TreatMissingData: 'notBreaching' });
    const ops = { Ref: Match.stringLikeRegexp('^Ops') };
    build(true).template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [pipeline, topic, ops], OKActions: [pipeline, topic, ops] });
  });
});
