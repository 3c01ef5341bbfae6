import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Alert } from '../../lambda/shared/alert';
import { Severity } from '../../src';
import { deliverWith, subscribeQueue, useDeliveryEstate } from '../support/delivery-estate';
import { awsConfig, createLedgerTable, createTopicWithQueue, pagerDutyFilterPolicy, receiveBodies, slackFilterPolicy } from '../support/estate';
import { eksAuditEvent, encodeLogs } from '../support/fixtures';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * `kubectl exec` end to end with the built bundles: a delivery from an EKS cluster's control plane
 * log group (fixtures/eks/SOURCES.md) through the ingest bundle (people directory in moto's S3,
 * ledger on moto's DynamoDB, moto's SNS), then the Slack and PagerDuty bundles (PagerDuty set to
 * page from medium, `minSeverity: Severity.MEDIUM`, through the filter policy the construct
 * synthesizes for it) to local receivers.
 */

const aws = useDeliveryEstate();

const GROUP = '/aws/eks/prod/cluster';
const STREAM = 'kube-apiserver-audit-7f1c9d8e6b5a4c3d2e1f0a9b8c7d6e5f';

test('an interactive kubectl exec reaches Slack and PagerDuty naming Alice; its other stages, a refused exec, a node\'s request and the rest of the audit log do not page', async () => {
  const moto = aws.moto;
  const s3 = new S3Client({ ...awsConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'directory', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'directory', Key: 'people.json', Body: JSON.stringify({ people: [{ name: 'Alice Doe', slackUserId: 'U0ALICE', ssoUserNames: ['alice@example.com'] }] }) }));
  await createLedgerTable(moto.endpoint);
  const { topicArn, queueUrl } = await createTopicWithQueue(moto.endpoint, 'login-alerts');
  const slackQueue = await subscribeQueue(moto.endpoint, topicArn, 'slack-filtered', slackFilterPolicy());
  const pagerDutyQueue = await subscribeQueue(moto.endpoint, topicArn, 'pagerduty-filtered', pagerDutyFilterPolicy(Severity.MEDIUM));

  const fixtures = ['exec-interactive-received', 'exec-interactive-started', 'pods-list', 'exec-by-node', 'exec-interactive-complete', 'exec-forbidden'];
  const delivery = encodeLogs({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: GROUP,
    logStream: STREAM,
    subscriptionFilters: ['LoginAlertsEksFilter'],
    logEvents: fixtures.map((name, i) => ({ id: `k-${i}`, timestamp: Date.UTC(2026, 10, 30, 11, 20, 5 + i), message: eksAuditEvent(name) })),
  });
  const ingest = await invokeBundle('ingest', [delivery], {
    AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: topicArn, LEDGER_TABLE_NAME: 'ledger', PEOPLE_DIRECTORY: 's3://directory/people.json', ENRICH_INSTANCES: 'false',
  });
  expect(ingest.invocations[0].error).toBeUndefined();
  expect(ingest.invocations[0].result).toMatchObject({ alerts: 2, linesRead: 6 });
  expect(ingest.logs).toContain("one of the cluster's own components");

  const alerts = (await receiveBodies(moto.endpoint, queueUrl)).map((b) => JSON.parse(JSON.parse(b).Message) as Alert)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
  expect(alerts.map((a) => [a.id, a.kind, a.outcome, a.severity])).toEqual([
    ['k-1', 'kubernetes-exec', 'success', 'medium'],
    ['k-5', 'kubernetes-exec', 'failure', 'low'],
  ]);
  expect(alerts[0]).toMatchObject({
    user: 'alice@example.com',
    sourceIp: '198.51.100.23',
    method: 'exec',
    actor: { name: 'Alice Doe', slackUserId: 'U0ALICE', via: 'sso' },
    principal: { type: 'AssumedRole', roleName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef' },
    pod: { cluster: 'prod', namespace: 'payments', pod: 'checkout-7d9f8b6c4-x2x9q', container: 'app', command: '/bin/sh', interactive: true },
    origin: { logGroup: GROUP, logStream: STREAM },
  });
  expect(alerts[0].summary).toBe('[MEDIUM] kubectl exec: Alice Doe into app in payments/checkout-7d9f8b6c4-x2x9q (cluster prod): /bin/sh');
  // The refused one: a role session named like Alice is not Alice.
  expect(alerts[1].actor).toMatchObject({ name: 'alice@example.com', via: 'iam' });
  expect(alerts[1].reasons).toEqual(expect.arrayContaining(['kubectl exec (interactive)', 'refused: 403', expect.stringContaining('chosen by the caller: not attributed')]));

  const posted = (await deliverWith(aws, 'slack', await receiveBodies(moto.endpoint, slackQueue), 'k8s')).sort((a, b) => String(a.text).localeCompare(String(b.text)));
  expect(posted.map((p) => p.text)).toEqual([
    '[LOW] Refused kubectl exec: alice@example.com into app in payments/checkout-7d9f8b6c4-x2x9q (cluster prod): /bin/sh',
    '[MEDIUM] kubectl exec: Alice Doe into app in payments/checkout-7d9f8b6c4-x2x9q (cluster prod): /bin/sh',
  ]);
  expect(JSON.stringify(posted[1].attachments)).toContain('cluster *prod*');

  const paged = await deliverWith(aws, 'pagerduty', await receiveBodies(moto.endpoint, pagerDutyQueue), 'k8s');
  expect(paged.map((event) => event.payload)).toEqual([expect.objectContaining({
    severity: 'warning', class: 'kubernetes-exec-login-success', custom_details: expect.objectContaining({ actor: expect.objectContaining({ name: 'Alice Doe' }) }),
  })]);
});
