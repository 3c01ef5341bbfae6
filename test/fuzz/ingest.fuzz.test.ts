import { gzipSync } from 'node:zlib';
import { CreateTopicCommand, PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { alertsFromEnvelope } from '../../lambda/ingest/alerts-from-envelope';
import { HostEnricher } from '../../lambda/ingest/enrich/host-enricher';
import { decodeEnvelope, MalformedEnvelopeError } from '../../lambda/ingest/parse/envelope';
import { publishAlerts } from '../../lambda/ingest/publish/publish';
import { PublishedIds } from '../../lambda/ingest/publish/published-ids';
import { NetworkSet } from '../../lambda/shared/networks';
import { awsConfig, subscribeHttpCollector } from '../support/estate';
import { cloudTrailEvent, encodeLogs, logsPayload } from '../support/fixtures';
import { startMoto } from '../support/moto';
import { alertSchemaErrors } from '../support/schema';

/**
 * Hostile input for the ingest function: 10,000+ generated and mutated events. The pipeline either
 * produces alerts or rejects the envelope with MalformedEnvelopeError (logged, retried, dead-lettered);
 * it never fails any other way, and every well-formed Accepted line among the noise still alerts.
 */

const context = {
  policy: { trustedNetworks: NetworkSet.parse(['198.51.100.0/24']) },
  region: 'eu-west-1',
  enricher: new HostEnricher(async () => [], 60_000),
};

/** Runs the pipeline; returns alerts, or undefined when the envelope was rejected as malformed. */
async function ingest(event: unknown) {
  let envelope;
  try {
    envelope = decodeEnvelope(event);
  } catch (error) {
    if (error instanceof MalformedEnvelopeError) return undefined;
    throw error;
  }
  return (await alertsFromEnvelope(envelope, context)).alerts;
}

const noise = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u001b', '\r', '\n', '\t', '\u202e', '<', '>', '&', '|', '`', '*', ' ', 'A', 's', 'h', 'd'), maxLength: 200 }),
  fc.constantFrom(
    'Accepted', 'sshd[1]: Accepted', 'sshd[1]: Accepted publickey for', 'sshd-session[2]: Accepted x for y from z port',
    'Mar  5 14:03:07 h sshd[1]: Accepted password for bob from 999.1.1.1 port 22 ssh2',
    'Mar  5 14:03:07 h sshd[1]: Accepted password for bob from 1.2.3.4 port 70000 ssh2',
  ),
  fc.string({ maxLength: 20 }).map((s) => `sshd[9]: Accepted ${s}`),
  fc.integer({ min: 70_000, max: 300_000 }).map((n) => `Mar  5 14:03:07 h sshd[1]: Accepted publickey for u from 1.2.3.4 port 22 ssh2: RSA ${'A'.repeat(n)}`),
);

const user = fc.stringMatching(/^[a-z_][a-z0-9_.@-]{0,30}$/);
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const method = fc.constantFrom('publickey', 'password', 'keyboard-interactive/pam', 'gssapi-with-mic', 'hostbased');
const header = fc.constantFrom('Mar  5 14:03:07 ip-10-0-1-23 sshd[1234]: ', '2024-10-15T12:34:56.123456+00:00 web-1 sshd-session[77]: ');
const login = fc.record({ header, method, user, ip, port: fc.integer({ min: 0, max: 65535 }) })
  .map((l) => ({ ...l, line: `${l.header}Accepted ${l.method} for ${l.user} from ${l.ip} port ${l.port} ssh2` }));

describe('ingest fuzzing', () => {
  test('deliveries mixing logins and noise: every login alerts, nothing else crashes', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(
        { arbitrary: login.map((l) => ({ login: l })), weight: 1 },
        { arbitrary: noise.map((n) => ({ noise: n })), weight: 3 },
      ), { maxLength: 30 }),
      async (items) => {
        const lines = items.map((i) => ('login' in i ? i.login.line : i.noise));
        const alerts = (await ingest(encodeLogs(logsPayload(lines))))!;
        expect(alerts).toBeDefined();
        const logins = items.filter((i) => 'login' in i).map((i) => (i as { login: { line: string; user: string } }).login);
        for (const l of logins) {
          const alert = alerts.find((a) => (a.origin as { message: string }).message === l.line);
          expect(alert?.user).toBe(l.user);
        }
        for (const alert of alerts) expect(alertSchemaErrors(alert)).toEqual([]);
      },
    ), { numRuns: 3000 });
  });

  test('arbitrary JSON values as the whole event are rejected as malformed or ignored, never crash', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
      const alerts = await ingest(value);
      expect(alerts === undefined || Array.isArray(alerts)).toBe(true);
    }), { numRuns: 3000 });
  });

  test('bad base64, bad gzip, bad JSON and wrongly typed payload fields are rejected with a reason', async () => {
    const payload = fc.record({
      messageType: fc.oneof(fc.constant('DATA_MESSAGE'), fc.constant('CONTROL_MESSAGE'), fc.anything()),
      owner: fc.oneof(fc.constant('123456789012'), fc.anything()),
      logGroup: fc.oneof(fc.constant('/g'), fc.anything()),
      logStream: fc.oneof(fc.constant('i-0abc123def4567890'), fc.anything()),
      logEvents: fc.oneof(
        fc.array(fc.record({ id: fc.anything(), timestamp: fc.anything(), message: fc.anything() }, { requiredKeys: [] }), { maxLength: 5 }),
        fc.anything(),
      ),
    }, { requiredKeys: [] });
    const data = fc.oneof(
      payload.map((p) => gzipSync(JSON.stringify(p) ?? '').toString('base64')),
      fc.string({ maxLength: 200 }).map((s) => gzipSync(s).toString('base64')),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(fc.asyncProperty(data, async (d) => {
      const alerts = await ingest({ awslogs: { data: d } });
      expect(alerts === undefined || Array.isArray(alerts)).toBe(true);
    }), { numRuns: 3000 });
  });

  test('mutated CloudTrail sign-in events always alert or are ignored, never crash', async () => {
    const base = cloudTrailEvent('iam-user-no-mfa');
    const mutation = fc.record({
      field: fc.constantFrom('userIdentity', 'responseElements', 'additionalEventData', 'eventID', 'eventTime', 'sourceIPAddress', 'awsRegion', 'userIdentity.type', 'userIdentity.arn'),
      value: fc.anything(),
    });
    await fc.assert(fc.asyncProperty(fc.array(mutation, { maxLength: 5 }), async (mutations) => {
      const event = structuredClone(base);
      for (const { field, value } of mutations) {
        const [a, b] = field.split('.');
        if (b === undefined) event.detail[a] = value;
        else if (typeof event.detail[a] === 'object' && event.detail[a] !== null) event.detail[a][b] = value;
      }
      const alerts = (await ingest(event))!;
      expect(alerts).toHaveLength(1);
      expect(alertSchemaErrors(alerts[0])).toEqual([]);
    }), { numRuns: 1500 });
  });

  test('hostile deliveries published through moto SNS: every alert arrives, once, whatever its lines', async () => {
    // Part of the runs go all the way to SNS: an alert too large for SNS sank whole deliveries once.
    const moto = await startMoto();
    try {
      const sns = new SNSClient(awsConfig(moto.endpoint));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'fuzz' }));
      const collector = await subscribeHttpCollector(moto.endpoint, TopicArn!);
      const publishBatch = (entries: any[]) => sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
      let run = 0;
      const huge = fc.integer({ min: 70_000, max: 250_000 }).chain((n) => fc.constantFrom(
        `Mar  5 14:03:07 h sshd[1]: Accepted password for ${'u'.repeat(n)} from 192.0.2.1 port 22 ssh2`,
        `Mar  5 14:03:07 h sshd[1]: Accepted publickey for x from 192.0.2.1 port 22 ssh2: ED25519-CERT SHA256:f ID ${'"'.repeat(n)} (serial 1) CA ED25519 SHA256:c`,
        `Mar  5 14:03:07 h sshd[1]: Accepted ${'\u0001'.repeat(n / 4)}`,
      ));
      await fc.assert(fc.asyncProperty(
        fc.array(fc.oneof(
          { arbitrary: login.map((l) => l.line), weight: 3 },
          { arbitrary: huge, weight: 1 },
          { arbitrary: noise, weight: 2 },
        ), { minLength: 1, maxLength: 12 }),
        async (lines) => {
          collector.reset();
          const payload = logsPayload(lines, { idPrefix: `run${++run}-` });
          const alerts = (await ingest(encodeLogs(payload)))!;
          await publishAlerts(publishBatch, alerts, { published: new PublishedIds(), sleep: async () => {} });
          await collector.waitFor(alerts.length);
          const received = collector.requests.map((r) => JSON.parse(JSON.parse(r.body).Message).id as string).sort();
          expect(received).toEqual(alerts.map((a) => a.id).sort());
        },
      ), { numRuns: 60 });
      await collector.stop();
    } finally {
      await moto.stop();
    }
  }, 300_000);
});
