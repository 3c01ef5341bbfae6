import type { Alert } from '../../lambda/shared/alert';
import { useMotoWithCallCounter } from '../support/aws-call-counter';
import { awsConfig, createLedgerTable, createTopicWithQueue, receiveBodies } from '../support/estate';
import { encodeLogs, logsPayload } from '../support/fixtures';
import { farApart, testGeoDatabases } from '../support/geo';
import { invokeBundle } from '../support/invoke-bundle';
import { alertSchemaErrors } from '../support/schema';

/**
 * Where from through the built ingest bundle, its ledger on moto's DynamoDB and the real IP
 * databases (the npm packages; the ASN CSVs converted as the construct converts them). The
 * addresses are found in the databases at test time: two countries at least 3,000 km apart, and a
 * second network in the first one's country.
 */

const aws = useMotoWithCallCounter();
void awsConfig;

async function estate(extra: Record<string, string> = {}) {
  await aws.moto.reset();
  await createLedgerTable(aws.moto.endpoint);
  const { topicArn, queueUrl } = await createTopicWithQueue(aws.moto.endpoint, 'login-alerts');
  const env = {
    AWS_ENDPOINT_URL: aws.moto.endpoint,
    ALERT_TOPIC_ARN: topicArn,
    LEDGER_TABLE_NAME: 'ledger',
    ENRICH_INSTANCES: 'false',
    GEO_DATABASES: JSON.stringify(testGeoDatabases()),
    ...extra,
  };
  const read = async (): Promise<Alert[]> => (await receiveBodies(aws.moto.endpoint, queueUrl))
    .map((b) => JSON.parse(JSON.parse(b).Message) as Alert).sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
  return { env, read };
}

/** One delivery per login: [id, ISO time, user, source]. */
function deliveries(logins: Array<[string, string, string, string]>) {
  return logins.map(([id, time, user, ip]) => {
    const payload = logsPayload([`${time.slice(0, 19)}Z web-1 sshd[7]: Accepted publickey for ${user} from ${ip} port 50022 ssh2`], { logStream: 'i-0abc123def4567890', idPrefix: `${id}-` });
    return encodeLogs({ ...payload, logEvents: payload.logEvents.map((e) => ({ ...e, timestamp: Date.parse(time) })) });
  });
}

const byId = (alerts: Alert[]) => new Map(alerts.map((a) => [a.id.replace(/-0000$/, ''), a]));

test('country and network in every alert; a new country for a known person is raised; two countries within the hour are impossible travel, two days apart are not', async () => {
  const { here, far, sameCountryOtherNetwork: near } = farApart();
  const { env, read } = await estate();
  const runs = await invokeBundle('ingest', deliveries([
    // alice: two far-apart countries 30 minutes apart (first: a new country, but nobody knew her).
    ['a1', '2026-11-21T09:00:00Z', 'alice', here.ip],
    ['a2', '2026-11-21T09:30:00Z', 'alice', far.ip],
    // bob: the same two countries two days apart.
    ['b1', '2026-11-21T09:00:00Z', 'bob', here.ip],
    ['b2', '2026-11-23T09:00:00Z', 'bob', far.ip],
    // dave: another network in the same country, a day later.
    ['d1', '2026-11-21T09:00:00Z', 'dave', here.ip],
    ['d2', '2026-11-22T09:00:00Z', 'dave', near.ip],
    // a private address is never looked up.
    ['p1', '2026-11-21T10:00:00Z', 'erin', '10.20.30.40'],
  ]), { ...env, POWERTOOLS_METRICS_NAMESPACE: 'cdk-login-alerts', DEPLOYMENT_NAME: 'Geo' });
  expect(runs.invocations.map((i) => i.error)).toEqual(Array(7).fill(undefined));
  // Counted as published: one impossible journey (a2); first countries: a1, b1 and d1 (everyone's
  // first login: said, not raised) and a2, b2.
  const counted = (name: string) => (runs.logs.match(new RegExp(`"${name}":(\\d+)`, 'g')) ?? []).reduce((n, m) => n + Number(m.split(':')[1]), 0);
  expect(counted('ImpossibleTravel')).toBe(1);
  expect(counted('FirstSeenCountries')).toBe(5);
  const alerts = byId(await read());
  for (const alert of alerts.values()) expect(alertSchemaErrors(alert)).toEqual([]);

  expect(alerts.get('a1')!.geo).toMatchObject({ network: 'public', country: here.country, asn: here.asn, source: 'iptoasn-country + asn' });
  expect(alerts.get('a1')!.geo!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(alerts.get('p1')!.geo).toEqual({ network: 'private' });
  // The first login of anyone: history, no raise (a fresh ledger would page on everyone).
  expect([alerts.get('a1')!.severity, alerts.get('a1')!.history]).toEqual(['medium', { firstSeenSource: true, firstSeenCountry: true, firstSeenNetwork: true }]);

  const travel = alerts.get('a2')!;
  expect(travel.severity).toBe('high');
  expect(travel.relatedAlertIds).toEqual(['a1-0000']);
  expect(travel.history?.impossibleTravel).toMatchObject({ fromAlertId: 'a1-0000', fromCountry: here.country, minutesApart: 30, speedKmh: 900 });
  expect(travel.history!.impossibleTravel!.minDistanceKm).toBeGreaterThanOrEqual(3000);
  expect(travel.reasons.find((r) => r.startsWith('impossible travel'))).toBe(
    `impossible travel: from ${here.country} 30 minutes before, at least ${travel.history!.impossibleTravel!.minDistanceKm.toLocaleString('en-US')} km away (faster than 900 km/h)`);

  const later = alerts.get('b2')!;
  expect(later.history?.impossibleTravel).toBeUndefined();
  expect(later.relatedAlertIds).toBeUndefined();
  expect(later.severity).toBe('high');
  expect(later.reasons).toContain(`first login from ${far.country === 'US' ? 'United States' : new Intl.DisplayNames(['en'], { type: 'region' }).of(far.country)} (${far.country}) for bob in 90 days`);

  // A new network in a known country is said, not raised for the country (the new source raises it).
  const nearby = alerts.get('d2')!;
  expect(nearby.history).toMatchObject({ firstSeenNetwork: true });
  expect(nearby.history?.firstSeenCountry).toBeUndefined();
  expect(nearby.reasons.some((r) => r.startsWith('first login from'))).toBe(false);
});

test('a trusted VPN range is no place: never a new country, never travel', async () => {
  const { here, far } = farApart();
  const { env, read } = await estate({ GEO_TRUSTED_EGRESS_CIDRS: `${far.ip}/32` });
  await invokeBundle('ingest', deliveries([
    ['c1', '2026-11-21T09:00:00Z', 'carol', here.ip],
    ['c2', '2026-11-21T09:20:00Z', 'carol', far.ip],
    ['c3', '2026-11-21T09:40:00Z', 'carol', here.ip],
  ]), env);
  const alerts = byId(await read());
  expect(alerts.get('c2')!.geo).toMatchObject({ country: far.country, trustedEgress: true });
  for (const id of ['c2', 'c3']) {
    expect(alerts.get(id)!.history?.impossibleTravel).toBeUndefined();
    expect(alerts.get(id)!.reasons.some((r) => r.startsWith('impossible travel') || r.startsWith('first login from'))).toBe(false);
  }
});

test('GEO_TRAVEL_SPEED_KMH=0 turns impossible travel off; GEO_NEW_COUNTRY_RAISES=false says a new country without raising', async () => {
  const { here, far } = farApart();
  const { env, read } = await estate({ GEO_TRAVEL_SPEED_KMH: '0', GEO_NEW_COUNTRY_RAISES: 'false', HISTORY_DAYS: '90' });
  await invokeBundle('ingest', deliveries([
    ['f1', '2026-11-21T09:00:00Z', 'frank', here.ip],
    ['f2', '2026-11-21T09:10:00Z', 'frank', far.ip],
  ]), env);
  const second = byId(await read()).get('f2')!;
  expect(second.history).toMatchObject({ firstSeenCountry: true });
  expect(second.history?.impossibleTravel).toBeUndefined();
  expect(second.reasons.some((r) => r.startsWith('first login from') || r.startsWith('impossible travel'))).toBe(false);
});

test('an IP database that cannot be opened: the alerts go out without geo, and the function logs it', async () => {
  const { here } = farApart();
  const { env, read } = await estate({ GEO_DATABASES: JSON.stringify([{ file: '/opt/geo/missing.mmdb', name: 'missing', licence: 'PDDL-1.0' }]) });
  const run = await invokeBundle('ingest', deliveries([['g1', '2026-11-21T09:00:00Z', 'gina', here.ip]]), env);
  const [alert] = await read();
  expect(alert.geo).toBeUndefined();
  expect(run.logs).toMatch(/"message":"IP database unavailable"/);
});
