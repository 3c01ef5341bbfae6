import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { atLeastOnce, countLogLines } from './alarms';
import { prop } from './prop-names';
import { parseCidr } from '../contract/cidr';
import { encodeRangeTable, RANGE_TABLE_FORMAT } from '../contract/geo-ranges';
import { DEFAULT_TRAVEL_SPEED_KMH, GEO_LAYER_DIRECTORY, type GeoDatabaseEntry } from '../contract/geo-settings';
import { GEO_UNAVAILABLE_LOG } from '../contract/log-lines';
import type { GeoOptions } from '../geo-options';

/** A database as GeoIpDatabase holds it: its files (a MaxMind DB, or CSVs to convert), and what it is. */
export interface GeoIpDatabaseFiles {
  readonly mmdb?: string;
  readonly csv?: string[];
  readonly name: string;
  readonly licence: string;
  readonly attribution?: string;
  readonly date?: string;
}

/**
 * The geo layer: the databases' files under `/opt/geo/` (CSV converted to range tables), with a
 * NOTICE naming each database's licence and attribution, for the functions that make alerts; and
 * their settings (`GEO_*`). Only when `geo` is given: no one else's install or cold start pays.
 */
export function geoLayer(scope: Construct, options: GeoOptions): { layer: lambda.LayerVersion; environment: Record<string, string> } {
  if (options.databases.length === 0) throw new Error(`${prop('geo')}.${prop('databases')} is empty: give at least one GeoIpDatabase`);
  for (const cidr of options.trustedEgressCidrs ?? []) {
    if (!parseCidr(cidr)) throw new Error(`${prop('trustedEgressCidrs')}: ${JSON.stringify(cidr)} is not a CIDR range like 198.51.100.0/24`);
  }
  for (const asn of options.trustedEgressAsns ?? []) {
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new Error(`${prop('trustedEgressAsns')}: ${asn} is not an AS number`);
  }
  const speed = options.travelSpeedKmh ?? DEFAULT_TRAVEL_SPEED_KMH;
  if (!Number.isInteger(speed) || speed < 0) throw new Error(`${prop('travelSpeedKmh')} must be a whole number of km/h (0 turns impossible travel off): ${speed}`);
  const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-login-alerts-geo-layer-'));
  const directory = path.join(staged, 'geo');
  fs.mkdirSync(directory);
  const entries: GeoDatabaseEntry[] = options.databases.map((database, i) => {
    const files = database._files;
    const base = `${i}-${files.name.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
    const fileName = files.mmdb ? `${base}.mmdb` : `${base}.table`;
    if (files.mmdb) fs.copyFileSync(files.mmdb, path.join(directory, fileName));
    else fs.copyFileSync(convertedCsv(files.csv!), path.join(directory, fileName));
    return {
      file: `${GEO_LAYER_DIRECTORY}/${fileName}`,
      name: files.name,
      licence: files.licence,
      ...(files.attribution && { attribution: files.attribution }),
      ...(files.date && { date: files.date }),
    };
  });
  fs.writeFileSync(path.join(directory, 'NOTICE'), notice(entries));
  const layer = new lambda.LayerVersion(scope, 'GeoIpLayer', {
    code: lambda.Code.fromAsset(staged),
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    description: `cdk-login-alerts: IP databases (${entries.map((e) => e.name).join(', ')})`.slice(0, 256),
  });
  return {
    layer,
    environment: {
      GEO_DATABASES: JSON.stringify(entries),
      ...(options.trustedEgressCidrs?.length && { GEO_TRUSTED_EGRESS_CIDRS: options.trustedEgressCidrs.join(',') }),
      ...(options.trustedEgressAsns?.length && { GEO_TRUSTED_EGRESS_ASNS: options.trustedEgressAsns.join(',') }),
      ...(options.newCountryRaises === false && { GEO_NEW_COUNTRY_RAISES: 'false' }),
      GEO_TRAVEL_SPEED_KMH: String(speed),
    },
  };
}

function notice(entries: readonly GeoDatabaseEntry[]): string {
  return entries.map((e) => [e.name, `Licence: ${e.licence}`, ...(e.attribution ? [`Attribution: ${e.attribution}`] : []), ...(e.date ? [`Date: ${e.date}`] : [])].join('\n')).join('\n\n') + '\n';
}

/** The range table of these CSV files, made once per content and kept in the temporary directory. */
export function convertedCsv(files: readonly string[]): string {
  const hash = createHash('sha256').update(RANGE_TABLE_FORMAT);
  const texts = files.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    hash.update(path.basename(file)).update('\0').update(text).update('\0');
    return { label: path.basename(file), text };
  });
  const cacheDirectory = path.join(os.tmpdir(), 'cdk-login-alerts-geo-cache');
  const cached = path.join(cacheDirectory, `${hash.digest('hex').slice(0, 32)}.table`);
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(cacheDirectory, { recursive: true });
    // Written aside and renamed: two synths at once never read half a table.
    const partial = `${cached}.${process.pid}.partial`;
    fs.writeFileSync(partial, encodeRangeTable(texts));
    fs.renameSync(partial, cached);
  }
  return cached;
}

/** Counts the functions' `IP database unavailable` lines (their alerts went out without `geo`) and alarms on the first. */
export function geoUnavailableAlarm(scope: Construct, logGroup: logs.ILogGroup): cloudwatch.Alarm {
  const alarms = new Construct(scope, 'GeoAlarms');
  const filter = countLogLines(alarms, 'GeoUnavailableMetric', logGroup, GEO_UNAVAILABLE_LOG, 'GeoUnavailable');
  return filter.metric({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(alarms, 'GeoUnavailableAlarm', {
    alarmDescription: 'cdk-login-alerts: an IP database in the geo layer could not be opened. Alerts still go out, without country and network, and without new-country and impossible-travel judgements; check the layer and the function\'s memory.',
    ...atLeastOnce,
  });
}
