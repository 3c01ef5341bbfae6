import { readFileSync } from 'node:fs';
import type { Reader } from 'mmdb-lib';
import { isPrivateAddress } from './private-networks';
import { RangeTable, type RangeValue } from '../../../src/contract/geo-ranges';
import type { GeoDatabaseEntry } from '../../../src/contract/geo-settings';
import type { Alert, GeoInfo } from '../../shared/alert';
import { normaliseIp, type NetworkSet } from '../../shared/networks';

/**
 * Country and network of a source address, offline, from the databases the construct put in the
 * geo layer (or `replay --geo-database` names): MaxMind DB files (ip-location-db's `country_code`,
 * MaxMind's and DB-IP's `country.iso_code`, `autonomous_system_number` and `_organization`) and
 * range tables made from CSV (src/contract/geo-ranges.ts). The first database that knows a field
 * answers it. Files open on the first public address, not at cold start; answers are cached.
 */

/** What every database answers, as the locator reads it. */
type Answer = { country?: string; asn?: number; asOrg?: string };

interface OpenDatabase {
  readonly entry: GeoDatabaseEntry;
  readonly date?: string;
  lookup(address: string): Answer | undefined;
}

export interface EgressPolicy {
  /** Ranges whose addresses are the user's own egress (VPN, proxy): looked up, but not a place. */
  readonly cidrs?: NetworkSet;
  /** Networks (AS numbers) that are egress, not a place: a privacy relay, the corporate VPN's provider. */
  readonly asns?: ReadonlySet<number>;
}

const CACHE_SIZE = 10_000;
// Made on the first located address, not at cold start (ICU's region names load with it).
let names: Intl.DisplayNames | undefined;
const countryName = (code: string) => (names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })).of(code);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mmdb = () => require('mmdb-lib') as typeof import('mmdb-lib');

export class GeoLocator {
  private databases: OpenDatabase[] | undefined;
  private readonly cache = new Map<string, GeoInfo | undefined>();

  constructor(
    private readonly entries: readonly GeoDatabaseEntry[],
    private readonly egress: EgressPolicy = {},
    private readonly readFile: (path: string) => Buffer = readFileSync,
  ) {}

  /** Throws when a database cannot be opened (the caller logs it; the alerts go out without `geo`). */
  locate(address: string): GeoInfo | undefined {
    const ip = normaliseIp(address);
    if (!ip) return undefined;
    if (isPrivateAddress(ip)) return { network: 'private' };
    if (this.cache.has(ip)) return this.cache.get(ip);
    const answer = this.lookUp(ip);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(ip, answer);
    return answer;
  }

  /** Each alert with a source address gets `geo`; when a database cannot be opened, none do, and `error` says why. */
  apply(alerts: readonly Alert[]): { alerts: Alert[]; error?: string } {
    try {
      return { alerts: alerts.map((a) => this.applyOne(a)) };
    } catch (error) {
      return { alerts: [...alerts], error: (error as Error).message };
    }
  }

  private applyOne(alert: Alert): Alert {
    if (!alert.sourceIp) return alert;
    const geo = this.locate(alert.sourceIp);
    return geo ? { ...alert, geo } : alert;
  }

  private lookUp(ip: string): GeoInfo {
    this.databases ??= this.entries.map((entry) => open(entry, this.readFile));
    const found: Answer = {};
    const answered: OpenDatabase[] = [];
    for (const database of this.databases) {
      const answer = database.lookup(ip);
      if (!answer) continue;
      let used = false;
      if (found.country === undefined && answer.country) { found.country = answer.country; used = true; }
      if (found.asn === undefined && answer.asn !== undefined) {
        found.asn = answer.asn;
        if (answer.asOrg) found.asOrg = answer.asOrg;
        used = true;
      }
      if (used) answered.push(database);
    }
    const dates = answered.map((d) => d.date).filter((d): d is string => d !== undefined).sort();
    const name = found.country ? countryName(found.country) : undefined;
    const trusted = (this.egress.cidrs?.has(ip) ?? false) || (found.asn !== undefined && (this.egress.asns?.has(found.asn) ?? false));
    return {
      network: 'public',
      ...(found.country && { country: found.country }),
      ...(name && { countryName: name }),
      ...(found.asn !== undefined && { asn: found.asn }),
      ...(found.asOrg && { asOrg: found.asOrg }),
      ...(answered.length > 0 && { source: answered.map((d) => d.entry.name).join(' + ') }),
      ...(dates.length > 0 && { date: dates[0] }),
      ...(trusted && { trustedEgress: true }),
    };
  }
}

function open(entry: GeoDatabaseEntry, readFile: (path: string) => Buffer): OpenDatabase {
  let buffer: Buffer;
  try {
    buffer = readFile(entry.file);
  } catch (error) {
    throw new Error(`IP database ${entry.name} (${entry.file}) could not be read: ${(error as Error).message}`);
  }
  if (RangeTable.isRangeTable(buffer)) {
    const table = new RangeTable(buffer);
    return { entry, date: entry.date, lookup: (ip) => fromRange(table.lookup(ip)) };
  }
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new (mmdb().Reader)<Record<string, unknown>>(buffer);
  } catch (error) {
    throw new Error(`IP database ${entry.name} (${entry.file}) is neither a MaxMind DB nor a range table: ${(error as Error).message}`);
  }
  const built = reader.metadata.buildEpoch;
  const date = entry.date ?? (built instanceof Date && !Number.isNaN(built.getTime()) ? built.toISOString().slice(0, 10) : undefined);
  return { entry, date, lookup: (ip) => fromMmdb(reader.get(ip)) };
}

function fromRange(value: RangeValue | undefined): Answer | undefined {
  if (!value) return undefined;
  return 'country' in value ? { country: value.country } : { asn: value.asn, ...(value.asOrg && { asOrg: value.asOrg }) };
}

/** The record layouts of ip-location-db, MaxMind GeoLite2 and DB-IP Lite. */
function fromMmdb(record: Record<string, unknown> | null): Answer | undefined {
  if (!record) return undefined;
  const nested = (record.country as { iso_code?: unknown } | undefined)?.iso_code;
  const country = typeof record.country_code === 'string' ? record.country_code : typeof nested === 'string' ? nested : undefined;
  const asn = typeof record.autonomous_system_number === 'number' ? record.autonomous_system_number : undefined;
  const asOrg = typeof record.autonomous_system_organization === 'string' ? record.autonomous_system_organization : undefined;
  const answer: Answer = {
    ...(country && /^[A-Z]{2}$/.test(country) && { country }),
    ...(asn !== undefined && { asn }),
    ...(asn !== undefined && asOrg && { asOrg }),
  };
  return Object.keys(answer).length > 0 ? answer : undefined;
}
