import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { alertsFromEnvelope, type AlertContext } from '../../lambda/ingest/alerts-from-envelope';
import { HostEnricher } from '../../lambda/ingest/enrich/host-enricher';
import { decodeEnvelope } from '../../lambda/ingest/parse/envelope';
import { emailText } from '../../lambda/shared/alert-text';
import { NetworkSet } from '../../lambda/shared/networks';
import { CLOUDTRAIL_FIXTURES, cloudTrailEvent, encodeLogs, logsDelivery, sshLines } from '../support/fixtures';
import { alertSchemaErrors } from '../support/schema';

const web1: Instance = {
  InstanceId: 'i-0abc123def4567890',
  PrivateIpAddress: '10.0.1.23',
  InstanceType: 't4g.small',
  Placement: { AvailabilityZone: 'eu-west-1a' },
  Tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'team', Value: 'payments' }],
};

function context(instances: Instance[] = [web1], calls: Filter[] = []): AlertContext {
  const describe = async (filter: Filter) => {
    calls.push(filter);
    return instances.filter((i) => filter.Values!.includes(filter.Name === 'instance-id' ? i.InstanceId! : i.PrivateIpAddress!));
  };
  return { policy: { trustedNetworks: NetworkSet.parse([]) }, region: 'eu-west-1', enricher: new HostEnricher(describe, 60_000) };
}

describe('alertsFromEnvelope: SSH', () => {
  test('an Ubuntu auth.log delivery yields one enriched alert per login and nothing for the rest', async () => {
    const { alerts, linesRead } = await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('ubuntu-22.04-auth.log'))), context());
    expect(linesRead).toBe(8);
    expect(alerts.map((a) => [a.user, a.severity])).toEqual([['ubuntu', 'medium'], ['bob', 'high'], ['carol', 'high']]);
    expect(alerts[0]).toMatchObject({
      schemaVersion: 1,
      id: '31953106606966983378809025079804211143289615424298220000',
      kind: 'ssh',
      outcome: 'success',
      time: '2026-11-21T09:15:02.000Z',
      account: '123456789012',
      region: 'eu-west-1',
      sourceIp: '203.0.113.7',
      method: 'publickey',
      port: 50522,
      summary: '[MEDIUM] SSH login: ubuntu@web-1 from 203.0.113.7 (publickey)',
      host: { instanceId: 'i-0abc123def4567890', hostname: 'ip-10-0-1-23', name: 'web-1', privateIp: '10.0.1.23', availabilityZone: 'eu-west-1a', instanceType: 't4g.small', tags: { Name: 'web-1', team: 'payments' } },
      origin: { logGroup: '/ec2/var/log/secure', logStream: 'i-0abc123def4567890', message: sshLines('ubuntu-22.04-auth.log')[0] },
    });
    for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  });

  test('every login of a batch costs one DescribeInstances, and a warm cache none', async () => {
    const calls: Filter[] = [];
    const ctx = context([web1], calls);
    await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('amazon-linux-2-secure'))), ctx);
    await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('amazon-linux-2-secure'))), ctx);
    expect(calls).toEqual([{ Name: 'instance-id', Values: ['i-0abc123def4567890'] }]);
  });

  test('without an instance id in the stream name, the ip-a-b-c-d hostname is looked up by private IP', async () => {
    const calls: Filter[] = [];
    const delivery = logsDelivery(sshLines('ubuntu-22.04-auth.log').slice(0, 1), { logStream: 'web-servers/auth.log' });
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(delivery), context([web1], calls));
    expect(calls).toEqual([{ Name: 'private-ip-address', Values: ['10.0.1.23'] }]);
    expect(alerts[0].host).toMatchObject({ instanceId: 'i-0abc123def4567890', name: 'web-1' });
  });

  test('when EC2 fails the alert still goes out, with enrichmentError', async () => {
    const ctx: AlertContext = { ...context(), enricher: new HostEnricher(async () => { throw Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }); }, 60_000) };
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('ubuntu-22.04-auth.log'))), ctx);
    expect(alerts).toHaveLength(3);
    expect(alerts[0].enrichmentError).toBe('DescribeInstances failed: RequestLimitExceeded: Rate exceeded');
    // The log stream still names the instance: kept without the details EC2 would have added.
    expect(alerts[0].host).toEqual({ instanceId: 'i-0abc123def4567890', hostname: 'ip-10-0-1-23' });
    expect(alerts[0].summary).toBe('[MEDIUM] SSH login: ubuntu@ip-10-0-1-23 from 203.0.113.7 (publickey)');
  });

  test('an unknown instance gives an enrichmentError, not a failure', async () => {
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('amazon-linux-2-secure').slice(0, 1))), context([]));
    expect(alerts[0].enrichmentError).toBe('no EC2 instance found for instance id i-0abc123def4567890');
  });

  test('an unparsed Accepted line still alerts, carrying the raw line', async () => {
    const lines = sshLines('debian-12-rfc3339-sshd-session.log');
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery(lines)), context());
    const unparsed = alerts.filter((a) => a.user === 'unknown');
    expect(unparsed).toHaveLength(1);
    expect(unparsed[0]).toMatchObject({
      severity: 'medium',
      reasons: ['sshd login line could not be parsed'],
      time: '2024-10-15T12:40:00.000Z',
      origin: { message: lines.find((l) => l.includes('sshd-session[4400]')) },
      summary: '[MEDIUM] Unparsed SSH login line: unknown@web-1',
    });
    expect(alertSchemaErrors(unparsed[0])).toEqual([]);
  });

  test('trusted CIDRs lower SSH severity', async () => {
    const ctx = { ...context(), policy: { trustedNetworks: NetworkSet.parse(['198.51.100.0/24']) } };
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery(sshLines('ubuntu-22.04-auth.log'))), ctx);
    expect(alerts.find((a) => a.user === 'carol')).toMatchObject({ severity: 'medium', reasons: ['password login', 'source IP inside trusted ranges'] });
  });

  test('a huge line is cut with a flag so the alert fits SNS', async () => {
    const line = `Mar  5 14:03:07 host sshd[1]: Accepted publickey for deploy from 192.0.2.1 port 22 ssh2: RSA SHA256:abc, ${'x'.repeat(100_000)}`;
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery([line])), context());
    expect(alerts[0].origin).toMatchObject({ messageTruncated: true });
    expect((alerts[0].origin as { message: string }).message).toHaveLength(16 * 1024);
  });

  test('a CONTROL_MESSAGE produces nothing', async () => {
    const control = encodeLogs({
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda function.' }],
    });
    const { alerts, ignored } = await alertsFromEnvelope(decodeEnvelope(control), context());
    expect(alerts).toEqual([]);
    expect(ignored).toBe('CloudWatch Logs control message');
  });
});

describe('alertsFromEnvelope: console sign-ins', () => {
  test.each(CLOUDTRAIL_FIXTURES)('%s becomes one alert that conforms to the schema', async (name) => {
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(cloudTrailEvent(name)), context());
    expect(alerts).toHaveLength(1);
    expect(alertSchemaErrors(alerts[0])).toEqual([]);
    expect(alerts[0].origin).toEqual({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventId: cloudTrailEvent(name).detail.eventID });
  });

  test('root without MFA reads as such', async () => {
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(cloudTrailEvent('root-success-no-mfa')), context());
    expect(alerts[0]).toMatchObject({
      id: 'deadbeef-0000-4000-8000-000000000001',
      kind: 'console',
      severity: 'critical',
      user: 'root',
      mfa: false,
      summary: '[CRITICAL] Console sign-in: root (no MFA) from 192.0.2.101 in 111122223333',
    });
    expect(emailText(alerts[0])).toContain('MFA        no');
  });

  test('other sign-in events are ignored with a reason', async () => {
    const event = cloudTrailEvent('iam-user-mfa');
    event.detail.eventName = 'CheckMfa';
    const { alerts, ignored } = await alertsFromEnvelope(decodeEnvelope(event), context());
    expect(alerts).toEqual([]);
    expect(ignored).toMatch(/is not a sign-in or a call that opens a way in/);
  });
});

describe('alerts from hostile lines', () => {
  test('every field taken from a 200 KB line is bounded, and says which', async () => {
    const user = 'u'.repeat(200_000);
    const line = `Mar  5 14:03:07 h sshd[1]: Accepted publickey for ${user} from 192.0.2.1 port 22 ssh2: RSA SHA256:${'f'.repeat(5000)}`;
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery([line])), { policy: {}, region: 'eu-west-1' });
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert.user).toHaveLength(1024);
    expect(alert.user.endsWith('…')).toBe(true);
    expect(alert.keyFingerprint).toHaveLength(1024);
    expect(alert.truncatedFields).toEqual(['user', 'keyFingerprint']);
    expect(alert.summary.length).toBeLessThan(1200);
    expect(alertSchemaErrors(alert)).toEqual([]);
  });
});

describe('empty values are absent values', () => {
  test('an empty Name tag is no name: the summary falls back to the hostname', async () => {
    const describe = async () => [{ InstanceId: 'i-0abc123def4567890', Tags: [{ Key: 'Name', Value: '' }, { Key: 'env', Value: 'prod' }] }];
    const line = 'Mar  5 14:03:07 ip-10-0-1-23 sshd[1]: Accepted publickey for ubuntu from 192.0.2.1 port 22 ssh2: RSA SHA256:k';
    const { alerts } = await alertsFromEnvelope(decodeEnvelope(logsDelivery([line])), { policy: {}, region: 'eu-west-1', enricher: new HostEnricher(describe, 60_000) });
    expect(alerts[0].host).toMatchObject({ instanceId: 'i-0abc123def4567890', hostname: 'ip-10-0-1-23', tags: { Name: '', env: 'prod' } });
    expect(alerts[0].host).not.toHaveProperty('name');
    expect(alerts[0].summary).toContain('ubuntu@ip-10-0-1-23 from 192.0.2.1');
  });
});
