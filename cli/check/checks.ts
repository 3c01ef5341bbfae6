import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, paginateDescribeAlarms, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeAccountPoliciesCommand, DescribeLogStreamsCommand, DescribeSubscriptionFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { paginateListSubscriptionsByTopic, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Deployment } from './deployment';

export type Status = 'ok' | 'warn' | 'fail';

/** One line of the report: what was checked, how it stands, and what to do about it. */
export interface Finding {
  readonly status: Status;
  readonly check: string;
  readonly detail: string;
}

export interface CheckClients {
  readonly cloudtrail: CloudTrailClient;
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly events: EventBridgeClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every check, each on its own: one that cannot run (a denied call) is a warning, never a crash. */
export async function checkDeployment(deployment: Deployment, region: string, clients: CheckClients, now = Date.now()): Promise<Finding[]> {
  const checks: Array<[string, () => Promise<Finding[]>]> = [
    ['ingest function', async () => checkIngest(deployment)],
    ['CloudTrail', () => checkTrail(deployment, region, clients.cloudtrail)],
    ['EventBridge rules', () => checkRules(deployment, clients.events)],
    ['subscription filters', () => checkSubscriptions(deployment, clients.logs, now)],
    ['dead-letter queues', () => checkQueues(deployment, clients.sqs)],
    ['alarms', () => checkAlarms(deployment, clients.cloudwatch)],
    ['topic subscriptions', () => checkTopicSubscriptions(deployment, clients.sns)],
  ];
  const findings: Finding[] = [];
  for (const [check, run] of checks) {
    try {
      findings.push(...await run());
    } catch (error) {
      findings.push({ status: 'warn', check, detail: `could not be checked: ${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return findings;
}

function checkIngest(deployment: Deployment): Finding[] {
  if (!deployment.ingest) {
    return [{ status: 'fail', check: 'ingest function', detail: `no cdk-login-alerts ingest function in stack ${deployment.stackName}: is it the stack with LoginAlerts?` }];
  }
  const { functionName, state } = deployment.ingest;
  return [state && state !== 'Active'
    ? { status: 'fail', check: 'ingest function', detail: `${functionName} is ${state}` }
    : { status: 'ok', check: 'ingest function', detail: `${functionName}, publishing to ${deployment.ingest.environment.ALERT_TOPIC_ARN}` }];
}

/** EventBridge sees CloudTrail's events (sign-ins, sessions, Instance Connect) only while a trail logs them. */
async function checkTrail(deployment: Deployment, region: string, cloudtrail: CloudTrailClient): Promise<Finding[]> {
  if (deployment.rules.length === 0) return [];
  const check = 'CloudTrail';
  const { trailList = [] } = await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const covering = trailList.filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
  for (const trail of covering) {
    const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name }));
    if (status.IsLogging) return [{ status: 'ok', check, detail: `trail ${trail.Name} is logging in ${region}${trail.IsMultiRegionTrail ? ' (multi-region)' : ''}` }];
  }
  return [{
    status: 'fail',
    check,
    detail: covering.length > 0
      ? `trail ${covering.map((t) => t.Name).join(', ')} covers ${region} but is not logging: console sign-ins, sessions and Instance Connect calls will not alert (aws cloudtrail start-logging --name …)`
      : `no trail logs ${region}: console sign-ins, sessions and Instance Connect calls will not alert until one does (docs/OPERATING.md, "Troubleshooting")`,
  }];
}

async function checkRules(deployment: Deployment, events: EventBridgeClient): Promise<Finding[]> {
  return Promise.all(deployment.rules.map(async (rule): Promise<Finding> => {
    const described = await events.send(new DescribeRuleCommand({ Name: rule.name, ...(rule.eventBusName && { EventBusName: rule.eventBusName }) }));
    const where = `${rule.name}${rule.eventBusName ? ` on ${rule.eventBusName}` : ''}`;
    return described.State === 'ENABLED'
      ? { status: 'ok', check: 'EventBridge rule', detail: `${where} is enabled` }
      : { status: 'fail', check: 'EventBridge rule', detail: `${where} is ${described.State}: its events do not reach the ingest function` };
  }));
}

/** Each subscribed log group has the filter to the ingest function, and has heard from an instance lately. */
async function checkSubscriptions(deployment: Deployment, logs: CloudWatchLogsClient, now: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  const destination = deployment.ingest?.functionArn;
  for (const logGroupName of deployment.subscribedLogGroups) {
    const check = 'subscription filter';
    let filters;
    try {
      filters = (await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName }))).subscriptionFilters ?? [];
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      findings.push({ status: 'fail', check, detail: `log group ${logGroupName} does not exist: nothing ships to it yet; ${shipper(logGroupName)}` });
      continue;
    }
    const ours = filters.find((f) => destination && f.destinationArn === destination);
    if (!ours) {
      findings.push({ status: 'fail', check, detail: `log group ${logGroupName} has no subscription filter to the ingest function (${filters.length} other filter(s)): redeploy the stack` });
      continue;
    }
    findings.push({ status: 'ok', check, detail: `${logGroupName} → ingest (${ours.filterPattern})` });
    const { logStreams = [] } = await logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', descending: true, limit: 1 }));
    const last = logStreams[0]?.lastIngestionTime ?? logStreams[0]?.lastEventTimestamp;
    if (last === undefined || now - last > DAY_MS) {
      findings.push({ status: 'warn', check: 'log shipping', detail: `${logGroupName} received no log event in the last 24 hours: ${shipper(logGroupName)}` });
    }
  }
  if (deployment.accountPolicyName) {
    const { accountPolicies = [] } = await logs.send(new DescribeAccountPoliciesCommand({ policyType: 'SUBSCRIPTION_FILTER_POLICY', policyName: deployment.accountPolicyName }));
    findings.push(accountPolicies.length > 0
      ? { status: 'ok', check: 'account subscription policy', detail: `${deployment.accountPolicyName} covers every log group (allLogGroups)` }
      : { status: 'fail', check: 'account subscription policy', detail: `${deployment.accountPolicyName} is missing: redeploy the stack` });
  }
  if (deployment.subscribedLogGroups.length === 0 && !deployment.accountPolicyName) {
    findings.push({ status: 'warn', check: 'subscription filter', detail: 'no log group is subscribed: SSH and Windows logons will not alert (sshLogGroups, windowsLogGroups)' });
  }
  return findings;
}

/** Who should be writing to a log group, and where the docs say how. */
function shipper(logGroupName: string): string {
  const cluster = /^\/aws\/eks\/([^/]+)\/cluster$/.exec(logGroupName)?.[1];
  if (cluster) return `is cluster ${cluster}'s audit control plane logging on? (docs/KUBERNETES.md)`;
  return 'is the CloudWatch agent shipping to it? (docs/OPERATING.md, "Ship the instances\' auth logs"; Windows: docs/WINDOWS.md)';
}

/** Anything in a dead-letter queue is an alert or a delivery that did not make it. */
async function checkQueues(deployment: Deployment, sqs: SQSClient): Promise<Finding[]> {
  return Promise.all(deployment.queues.map(async (queue): Promise<Finding> => {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    const waiting = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    return waiting === 0
      ? { status: 'ok', check: 'dead-letter queue', detail: `${queue.logicalId} is empty` }
      : { status: 'fail', check: 'dead-letter queue', detail: `${waiting} message(s) wait in ${queue.url}: undelivered logins or alerts (docs/OPERATING.md, "Troubleshooting")` };
  }));
}

/** The stack's alarms: CloudFormation names them `<stack>-<logical id>-…`; ours notify the stack's topics. */
async function checkAlarms(deployment: Deployment, cloudwatch: CloudWatchClient): Promise<Finding[]> {
  const alarms: MetricAlarm[] = [];
  for await (const page of paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: `${deployment.stackName}-`, AlarmTypes: ['MetricAlarm'] })) {
    alarms.push(...(page.MetricAlarms ?? []));
  }
  if (alarms.length === 0) return [{ status: 'warn', check: 'alarms', detail: `no alarm named ${deployment.stackName}-…: the pipeline's own alarms were not found` }];
  const firing = alarms.filter((a) => a.StateValue === 'ALARM');
  const silent = alarms.filter((a) => !(a.AlarmActions ?? []).some((action) => deployment.topicArns.includes(action)));
  return [
    ...firing.map((a): Finding => ({ status: 'fail', check: 'alarm', detail: `${a.AlarmName} is in ALARM: ${a.AlarmDescription ?? a.StateReason ?? ''}`.trim() })),
    ...(firing.length === 0 ? [{ status: 'ok' as const, check: 'alarms', detail: `${alarms.length} alarm(s), none in ALARM` }] : []),
    ...silent.map((a): Finding => ({ status: 'warn', check: 'alarm', detail: `${a.AlarmName} notifies none of the stack's topics` })),
  ];
}

/** Someone must receive the alerts, and email subscribers must have confirmed. */
async function checkTopicSubscriptions(deployment: Deployment, sns: SNSClient): Promise<Finding[]> {
  const topicArn = deployment.ingest?.environment.ALERT_TOPIC_ARN ?? deployment.topicArns[0];
  if (!topicArn) return [];
  const subscriptions = await listSubscriptions(sns, topicArn);
  if (subscriptions.length === 0) return [{ status: 'fail', check: 'topic subscriptions', detail: `nobody is subscribed to ${topicArn}: alerts reach no one` }];
  return subscriptions.map((s): Finding => (s.SubscriptionArn === 'PendingConfirmation'
    ? { status: 'fail', check: 'topic subscription', detail: `${s.Protocol} ${s.Endpoint} has not confirmed: open the "AWS Notification - Subscription Confirmation" email and confirm` }
    : { status: 'ok', check: 'topic subscription', detail: `${s.Protocol} ${s.Endpoint}` }));
}

export async function listSubscriptions(sns: SNSClient, topicArn: string): Promise<Subscription[]> {
  const all: Subscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn })) all.push(...(page.Subscriptions ?? []));
  return all;
}
