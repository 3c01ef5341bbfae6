/* eslint-disable no-bitwise */ // IPv6 numbers
import { encodeRangeTable, ipNumber, RangeTable, RangeTableError } from '../../src/contract/geo-ranges';

const table = (text: string, label = 'test-ipv4.csv') => new RangeTable(encodeRangeTable([{ label, text }]));

describe('range tables', () => {
  test('every address of a range, and none outside it, finds the range: both ends inclusive', () => {
    const t = table('1.0.0.0,1.0.0.255,AU\n1.0.2.0,1.0.3.255,CN\n');
    expect(t.lookup('1.0.0.0')).toEqual({ country: 'AU' });
    expect(t.lookup('1.0.0.255')).toEqual({ country: 'AU' });
    expect(t.lookup('1.0.1.0')).toBeUndefined();
    expect(t.lookup('1.0.3.255')).toEqual({ country: 'CN' });
    expect(t.lookup('1.0.4.0')).toBeUndefined();
    expect(t.lookup('0.255.255.255')).toBeUndefined();
  });

  test('the ASN layout, with quoted organisations (commas and doubled quotes inside)', () => {
    const t = table('1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n1.0.4.0,1.0.7.255,38803,"The ""Big"" ISP"\n2.0.0.0,2.0.0.255,64500,\n');
    expect(t.lookup('1.0.0.9')).toEqual({ asn: 13335, asOrg: 'Cloudflare, Inc.' });
    expect(t.lookup('1.0.5.1')).toEqual({ asn: 38803, asOrg: 'The "Big" ISP' });
    expect(t.lookup('2.0.0.1')).toEqual({ asn: 64500 });
  });

  test('IPv6 ranges, in address and numeric form, and IPv4-mapped IPv6 read as IPv4', () => {
    const google = 0x20014860n << 96n; // 2001:4860::/32
    const t = new RangeTable(encodeRangeTable([
      { label: 'x-ipv4.csv', text: '16777216,16777471,AU\n' },
      { label: 'x-ipv6.csv', text: `2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\n${google},${google + (1n << 96n) - 1n},DE\n` },
    ]));
    expect(t.lookup('1.0.0.7')).toEqual({ country: 'AU' });
    expect(t.lookup('::ffff:1.0.0.7')).toEqual({ country: 'AU' });
    expect(t.lookup('2001:200:1::1')).toEqual({ country: 'JP' });
    expect(t.lookup('2001:201::')).toBeUndefined();
    // ip-location-db's README gives 2001:200:: in numeric form as 42540528726795050063891204319802818560.
    expect(ipNumber('2001:200::')).toEqual({ family: 6, value: 42540528726795050063891204319802818560n });
    expect(t.lookup('2001:4860::8888')).toEqual({ country: 'DE' });
  });

  test('overlapping rows (the published files have some) are made disjoint: the later, narrower one wins its span', () => {
    const t = table('10.0.0.0,10.0.0.255,64500,Wide\n10.0.0.16,10.0.0.31,64501,Narrow\n10.0.0.200,10.0.1.255,64502,Late\n');
    expect(t.lookup('10.0.0.15')).toEqual({ asn: 64500, asOrg: 'Wide' });
    expect(t.lookup('10.0.0.16')).toEqual({ asn: 64501, asOrg: 'Narrow' });
    expect(t.lookup('10.0.0.31')).toEqual({ asn: 64501, asOrg: 'Narrow' });
    expect(t.lookup('10.0.0.32')).toEqual({ asn: 64500, asOrg: 'Wide' });
    expect(t.lookup('10.0.0.200')).toEqual({ asn: 64502, asOrg: 'Late' });
    expect(t.lookup('10.0.1.0')).toEqual({ asn: 64502, asOrg: 'Late' });
  });

  test('bad files are refused with the file and line', () => {
    expect(() => table('1.0.0.0,1.0.0.255\n')).toThrow(/test-ipv4.csv:1: expected start,end,country or start,end,asn,organisation/);
    expect(() => table('1.0.0.0,1.0.0.255,Australia\n')).toThrow(/test-ipv4.csv:1: "Australia" is not a two-letter country code/);
    expect(() => table('1.0.0.0,1.0.0.255,AS13335,x\n')).toThrow(/is not an AS number/);
    expect(() => table('1.0.0.0,x,AU\n')).toThrow(RangeTableError);
    expect(() => table('1.0.0.9,1.0.0.1,AU\n')).toThrow(/is not a range/);
    expect(() => table('')).toThrow(/has no ranges/);
    expect(() => new RangeTable(Buffer.from('not a table'))).toThrow(/not a range table/);
  });

  test('a table cut short is refused, not misread', () => {
    const whole = encodeRangeTable([{ label: 'x.csv', text: '1.0.0.0,1.0.0.255,AU\n' }]);
    expect(() => new RangeTable(whole.subarray(0, whole.length - 4))).toThrow(/cut short/);
  });
});
