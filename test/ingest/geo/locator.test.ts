import { readFileSync } from 'node:fs';
import { GeoLocator } from '../../../lambda/ingest/geo/locator';
import { NetworkSet } from '../../../lambda/shared/networks';
import { sshAlert as loginAlert } from '../../support/alerts';
import { addressesInDatabases, farApart, testGeoDatabases } from '../../support/geo';

/** The locator on the real databases (the npm packages), with addresses found in them at test time. */
describe('GeoLocator', () => {
  test('a public address gets its country, its name, its network and the databases that said so, with their date', () => {
    const { here } = farApart();
    const geo = new GeoLocator(testGeoDatabases()).locate(here.ip);
    expect(geo).toMatchObject({ network: 'public', country: here.country, asn: here.asn, source: 'iptoasn-country + asn' });
    expect(geo?.countryName).toBe(new Intl.DisplayNames(['en'], { type: 'region' }).of(here.country));
    expect(typeof geo?.asOrg).toBe('string');
    // The older of the two: the MaxMind DB's own build date, or the CSV's given one.
    expect(geo?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(geo!.date! <= '2026-06-17').toBe(true);
  });

  test('an IPv4-mapped IPv6 address is the IPv4 address it maps', () => {
    const { here } = farApart();
    const locator = new GeoLocator(testGeoDatabases());
    expect(locator.locate(`::ffff:${here.ip}`)).toEqual(locator.locate(here.ip));
  });

  test.each(['10.1.2.3', '172.16.0.9', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'])(
    '%s is private and never looked up', (ip) => {
      const read = jest.fn((path: string) => readFileSync(path));
      const locator = new GeoLocator(testGeoDatabases(), {}, read);
      expect(locator.locate(ip)).toEqual({ network: 'private' });
      expect(read).not.toHaveBeenCalled();
    });

  test('the databases open on the first public address, once, and answers are cached', () => {
    const read = jest.fn((path: string) => readFileSync(path));
    const locator = new GeoLocator(testGeoDatabases(), {}, read);
    const [a, b] = addressesInDatabases();
    locator.locate(a.ip);
    locator.locate(b.ip);
    locator.locate(a.ip);
    expect(read).toHaveBeenCalledTimes(2);
  });

  test('text that is not an address is not located; an address the databases lack is public without a country', () => {
    const locator = new GeoLocator(testGeoDatabases());
    expect(locator.locate('cloudshell.amazonaws.com')).toBeUndefined();
    expect(locator.locate('AWS Internal')).toBeUndefined();
    // 198.51.100.0/24 is documentation space: no registry gives it a country.
    expect(locator.locate('198.51.100.7')).toEqual({ network: 'public' });
  });

  test('trusted egress, by range or by network, is located and marked', () => {
    const { here, far } = farApart();
    const locator = new GeoLocator(testGeoDatabases(), { cidrs: NetworkSet.parse([`${here.ip}/32`]), asns: new Set([far.asn]) });
    expect(locator.locate(here.ip)).toMatchObject({ country: here.country, trustedEgress: true });
    expect(locator.locate(far.ip)).toMatchObject({ country: far.country, trustedEgress: true });
  });

  test('a database that cannot be read: the alerts go out without geo, and the error says which', () => {
    const locator = new GeoLocator([{ file: '/nonexistent/x.mmdb', name: 'gone', licence: 'PDDL-1.0' }]);
    const { here } = farApart();
    const result = locator.apply([loginAlert({ sourceIp: here.ip })]);
    expect(result.alerts[0].geo).toBeUndefined();
    expect(result.error).toMatch(/IP database gone \(\/nonexistent\/x\.mmdb\) could not be read/);
  });

  test('a file that is neither format is refused by name', () => {
    const locator = new GeoLocator([{ file: __filename, name: 'source', licence: 'MIT' }]);
    expect(locator.apply([loginAlert({ sourceIp: farApart().here.ip })]).error).toMatch(/source .* is neither a MaxMind DB nor a range table/);
  });
});
