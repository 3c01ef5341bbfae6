import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { CLOUDTRAIL_FIXTURES, cloudTrailEvent, logsDelivery, sshLines } from './fixtures';
import { alertsFromEnvelope } from '../../lambda/ingest/alerts-from-envelope';
import { HostEnricher } from '../../lambda/ingest/enrich/host-enricher';
import { decodeEnvelope } from '../../lambda/ingest/parse/envelope';
import type { Alert } from '../../lambda/shared/alert';
import { summarise } from '../../lambda/shared/alert-text';
import { NetworkSet } from '../../lambda/shared/networks';

export const WEB1: Instance = {
  InstanceId: 'i-0abc123def4567890',
  PrivateIpAddress: '10.0.1.23',
  InstanceType: 't4g.small',
  Placement: { AvailabilityZone: 'eu-west-1a' },
  Tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'payments' }, { Key: 'cost-centre', Value: '42' }],
};

/** Real alerts, made by the ingest pipeline from every fixture: every kind, severity and shape. */
export async function fixtureAlerts(): Promise<Alert[]> {
  const describe = async (filter: Filter) => [WEB1].filter((i) => filter.Values!.includes(i.InstanceId!));
  const context = { policy: { trustedNetworks: NetworkSet.parse(['198.51.100.0/24']) }, region: 'eu-west-1', enricher: new HostEnricher(describe, 60_000) };
  const envelopes = [
    ...['ubuntu-22.04-auth.log', 'amazon-linux-2-secure', 'debian-12-rfc3339-sshd-session.log'].map((file, n) => logsDelivery(sshLines(file), { idPrefix: `f${n}-` })),
    ...CLOUDTRAIL_FIXTURES.map(cloudTrailEvent),
  ];
  const alerts: Alert[] = [];
  for (const envelope of envelopes) alerts.push(...(await alertsFromEnvelope(decodeEnvelope(envelope), context)).alerts);
  return alerts;
}

/** The SNS → Lambda event for one message on the topic (lambda/latest/dg/with-sns.html). */
export function snsEvent(message: string, attributes: Record<string, string> = {}) {
  return {
    Records: [{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:login-alerts:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:login-alerts',
        Subject: 'Login alert',
        Message: message,
        Timestamp: '2026-11-21T09:15:03.000Z',
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { Type: 'String', Value: v }])),
      },
    }],
  };
}

/** A CloudWatch alarm notification as SNS delivers it. */
export function alarmMessage(state: 'ALARM' | 'OK', name = 'LoginAlerts-SlackDeadLetters') {
  return JSON.stringify({
    AlarmName: name,
    AlarmDescription: 'Messages in the Slack dead-letter queue',
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).',
    StateChangeTime: '2026-11-21T09:20:00.000+0000',
    Region: 'EU (Ireland)',
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    Trigger: { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' },
  });
}

/**
 * One SSH login alert as the ingest pipeline makes it (alice@web-1, i-0abc123def4567890, from
 * 203.0.113.7, medium), with the fields a test is about overridden; the summary is worded to match.
 */
export function sshAlert(overrides: Partial<Alert> = {}): Alert {
  const alert = {
    schemaVersion: 1,
    id: 'l1',
    kind: 'ssh',
    severity: 'medium',
    reasons: ['SSH login'],
    outcome: 'success',
    time: '2026-11-21T09:00:00.000Z',
    account: '123456789012',
    region: 'eu-west-1',
    user: 'alice',
    sourceIp: '203.0.113.7',
    method: 'publickey',
    origin: { logGroup: '/ec2/var/log/secure', logStream: 'i-0abc123def4567890', message: 'sshd[1]: Accepted publickey for alice' },
    host: { instanceId: 'i-0abc123def4567890', name: 'web-1' },
    ...overrides,
  } as Omit<Alert, 'summary'>;
  return { ...alert, summary: summarise(alert) } as Alert;
}
