import type { GeoIpDatabase } from './geo-ip-database';

/**
 * Where from (README, "Where from"): the country and network of every login's source address, from
 * offline IP databases in a Lambda layer (no API key, no call out), in each alert (`geo`), in rules
 * (`countries`, `asns`) and in the ledger's history: a known person's first login from a country
 * raises it one level; two countries closer in time than travel allows raise it to high.
 */
export interface GeoOptions {
  /**
   * The databases, asked in order: the first that knows an address's country answers it, and the
   * first that knows its network. A country database and an ASN database, typically.
   */
  readonly databases: GeoIpDatabase[];

  /**
   * The team's own egress ranges (VPN, proxy, office NAT): logins from them are located but are no
   * place: never new, never travel.
   *
   * @default - none
   */
  readonly trustedEgressCidrs?: string[];

  /**
   * Networks (AS numbers) that are egress rather than a place: a privacy relay, a VPN provider.
   *
   * @default - none
   */
  readonly trustedEgressAsns?: number[];

  /**
   * A known person's first login from a country (in the history period) raises the login one level.
   * Off, the alert says so (`history.firstSeenCountry`) without raising it.
   *
   * @default true
   */
  readonly newCountryRaises?: boolean;

  /**
   * The speed (km/h) no traveller beats: two logins of one person from countries farther apart than
   * this covers in the time between them are impossible travel (high). 0 turns it off.
   *
   * @default 900
   */
  readonly travelSpeedKmh?: number;
}
