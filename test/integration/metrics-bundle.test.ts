import { AlertRule } from '../../src';
import { createLedgerTable, createQueue, createSecret, createTopicWithQueue, lambdaEventFromNotification, receiveBodies } from '../support/estate';
import { encodeLogs, logsPayload } from '../support/fixtures';
import { HttpReceiver } from '../support/http-receiver';
import { invokeBundle } from '../support/invoke-bundle';
import { startMoto, type Moto } from '../support/moto';

/**
 * The pipeline's metrics as CloudWatch reads them: embedded metric format (EMF) documents in the
 * functions' log output, from the built bundles running against moto and a local Slack receiver.
 * Each figure is checked against what was sent in, not against what came out.
 */

let moto: Moto;
let slack: HttpReceiver;
beforeAll(async () => {
  moto = await startMoto();
  slack = await HttpReceiver.start({ status: 200, body: 'ok' });
});
afterAll(async () => {
  await slack?.stop();
  await moto?.stop();
});

interface Emf { name: string; value: number; dimensions: Record<string, string>; namespace: string }

/** Every metric in the EMF documents of a function's log output. */
function emf(logs: string): Emf[] {
  return logs.split('\n').filter((l) => l.includes('"_aws"')).flatMap((line) => {
    const doc = JSON.parse(line);
    const directive = doc._aws.CloudWatchMetrics[0];
    const dimensions = Object.fromEntries((directive.Dimensions[0] as string[]).map((d) => [d, doc[d]]));
    const names = (directive.Metrics as Array<{ Name: string }>).map((m) => m.Name);
    return names.map((name) => ({ name, value: doc[name], dimensions, namespace: directive.Namespace }));
  });
}

const DEPLOYMENT = { POWERTOOLS_METRICS_NAMESPACE: 'cdk-login-alerts', DEPLOYMENT_NAME: 'SecurityLoginAlerts1A2B3C4D' };

test('ingest: logins by kind and severity, suppressed by rule, repeats, first-seen sources, unparsed lines, failed enrichment', async () => {
  await moto.reset();
  await createLedgerTable(moto.endpoint);
  const { topicArn } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  // Sent: six Accepted lines from an instance no one can find (enrichment fails for each): the CI
  // user twice from its range (suppressed by the rule), alice three times from one address within
  // a minute (a first and two repeats), root by password once (high), and one unparsable line.
  const lines = [
    'Nov 21 09:15:00 web-1 sshd[1]: Accepted publickey for deploy from 198.51.100.20 port 1 ssh2',
    'Nov 21 09:15:01 web-1 sshd[2]: Accepted publickey for deploy from 198.51.100.21 port 2 ssh2',
    'Nov 21 09:15:02 web-1 sshd[3]: Accepted publickey for alice from 203.0.113.7 port 3 ssh2',
    'Nov 21 09:15:03 web-1 sshd[4]: Accepted publickey for alice from 203.0.113.7 port 4 ssh2',
    'Nov 21 09:15:04 web-1 sshd[5]: Accepted publickey for alice from 203.0.113.7 port 5 ssh2',
    'Nov 21 09:15:05 web-1 sshd[6]: Accepted password for root from 192.0.2.9 port 6 ssh2',
    'Nov 21 09:15:06 web-1 sshd[7]: Accepted something odd',
  ];
  const payload = logsPayload(lines, { logStream: 'i-0fedcba9876543210' });
  const rules = JSON.stringify([AlertRule.suppress({ name: 'deploy from CI', users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] }).toJson()]);
  const run = await invokeBundle('ingest', [encodeLogs(payload)], {
    AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'ledger', ALERT_RULES: rules, ...DEPLOYMENT,
  });
  expect(run.invocations[0].result).toMatchObject({ alerts: 7 });
  const metrics = emf(run.logs);
  for (const m of metrics) {
    expect(m.namespace).toBe('cdk-login-alerts');
    expect(m.dimensions).toMatchObject({ service: 'ingest', Deployment: 'SecurityLoginAlerts1A2B3C4D' });
  }
  const value = (name: string, dimension?: [string, string]) => metrics
    .filter((m) => m.name === name && (dimension ? m.dimensions[dimension[0]] === dimension[1] : Object.keys(m.dimensions).length === 2))
    .reduce((sum, m) => sum + m.value, 0);
  expect(value('Logins', ['Kind', 'ssh'])).toBe(7);
  expect(value('Logins', ['Severity', 'info'])).toBe(2);
  expect(value('Logins', ['Severity', 'medium'])).toBe(4); // alice × 3 and the unparsed line
  expect(value('Logins', ['Severity', 'high'])).toBe(1);
  expect(value('Suppressed', ['Rule', 'deploy from CI'])).toBe(2);
  expect(value('Repeats')).toBe(2);
  // Sources never seen for their person: deploy's two addresses, alice's, root's.
  expect(value('FirstSeenSources')).toBe(4);
  expect(value('UnparsedLines')).toBe(1);
  expect(value('EnrichmentFailures')).toBe(7);
  expect(value('FailedLogins')).toBe(0);
  expect(metrics.filter((m) => m.name === 'FailedLogins')).toEqual([]); // zero is not written
});

test('destinations: delivered, dead-lettered and retried, per destination', async () => {
  await moto.reset();
  const secretArn = await createSecret(moto.endpoint, 'slack-webhook', `${slack.url}/services/T0/B0/x`);
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const lines = ['a', 'b', 'c'].map((u, n) => `Nov 21 09:15:0${n} web-1 sshd[${n}]: Accepted publickey for ${u} from 203.0.113.${n} port 1 ssh2`);
  await invokeBundle('ingest', [encodeLogs(logsPayload(lines))], { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, ENRICH_INSTANCES: 'false' });
  const notifications = await receiveBodies(moto.endpoint, queueUrl);
  const dlq = (await createQueue(moto.endpoint, 'slack-dlq')).url;
  const env = { AWS_ENDPOINT_URL: moto.endpoint, SLACK_WEBHOOK_SECRET_ARN: secretArn, DEAD_LETTER_QUEUE_URL: dlq, SLACK_TIMEOUT_MS: '1500', ...DEPLOYMENT };
  // Sent: three alerts. Slack takes the first, refuses the second for good (404), fails the third (500).
  slack.reply({ status: 200, body: 'ok' }, { status: 404, body: 'no_service' }, { status: 500, body: 'rollup_error' });
  const run = await invokeBundle('slack', notifications.map((n) => lambdaEventFromNotification(n)), env);
  const metrics = emf(run.logs);
  const value = (name: string) => metrics.filter((m) => m.name === name && m.dimensions.Destination === 'slack' && m.dimensions.service === 'slack')
    .reduce((sum, m) => sum + m.value, 0);
  expect([value('Delivered'), value('DeadLettered'), value('DeliveryRetried')]).toEqual([1, 1, 1]);
});
