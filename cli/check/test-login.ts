import { randomBytes } from 'node:crypto';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSubscriptionAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { listSubscriptions } from './checks';
import type { Deployment } from './deployment';
import { filterAccepts } from './filter-policy';
import { alertsFromEnvelope } from '../../lambda/ingest/alerts-from-envelope';
import { messageAttributes } from '../../lambda/ingest/publish/publish';
import { AlertRules } from '../../lambda/ingest/rules/rules';
import type { Alert } from '../../lambda/shared/alert';
import { NetworkSet } from '../../lambda/shared/networks';
import { TEST_LOGIN_STREAM, testLoginLine } from '../../lambda/shared/test-login';

export interface SentTestLogin {
  readonly logGroupName: string;
  readonly line: string;
  /** The alert the ingest function will publish, from the same parser and policy (its id and account differ). */
  readonly expected: Alert;
  /** Each subscriber of the alert topic and whether its filter policy lets the test alert through. */
  readonly deliveries: Array<{ readonly protocol: string; readonly endpoint: string; readonly receives: boolean | undefined }>;
}

/**
 * Writes one clearly marked sshd line to a subscribed log group, the real path (subscription filter →
 * ingest function → topic → destinations). The topic policy lets only the ingest function publish
 * alerts, so `aws sns publish` cannot test the pipeline; a log line can.
 */
export async function sendTestLogin(
  deployment: Deployment,
  logGroupName: string,
  clients: { logs: CloudWatchLogsClient; sns: SNSClient },
  region: string,
  now = new Date(),
): Promise<SentTestLogin> {
  const line = testLoginLine(now, randomBytes(32).toString('base64').replace(/=+$/, ''));
  try {
    await clients.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: TEST_LOGIN_STREAM }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceAlreadyExistsException') throw error;
  }
  const logEvents = [{ timestamp: now.getTime(), message: line }];
  await clients.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: TEST_LOGIN_STREAM, logEvents }));

  const trusted = (deployment.ingest?.environment.TRUSTED_CIDRS ?? '').split(',').filter(Boolean);
  const { alerts: [parsed] } = await alertsFromEnvelope({
    type: 'logs',
    messageType: 'DATA_MESSAGE',
    owner: 'your account',
    logGroup: logGroupName,
    logStream: TEST_LOGIN_STREAM,
    logEvents: [{ id: 'test', timestamp: now.getTime(), message: line }],
  }, { policy: { trustedNetworks: NetworkSet.parse(trusted) }, region });
  // The deployment's own rules, when they travel in its environment (a large set is in S3: not read here).
  const rules = deployment.ingest?.environment.ALERT_RULES;
  const expected = rules && !rules.startsWith('s3://') ? AlertRules.parse(rules).apply(parsed) : parsed;
  const routingTagKeys = (deployment.ingest?.environment.ROUTING_TAG_KEYS ?? '').split(',').filter(Boolean);
  const attributes = messageAttributes(expected, routingTagKeys);
  const topicArn = deployment.ingest?.environment.ALERT_TOPIC_ARN;
  const subscriptions = topicArn ? await listSubscriptions(clients.sns, topicArn) : [];
  const deliveries = await Promise.all(subscriptions.map(async (s) => {
    const confirmed = s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation';
    const policy = confirmed
      ? (await clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }))).Attributes?.FilterPolicy
      : undefined;
    return { protocol: s.Protocol ?? '?', endpoint: s.Endpoint ?? '?', receives: confirmed ? filterAccepts(policy, attributes) : false };
  }));
  return { logGroupName, line, expected, deliveries };
}
