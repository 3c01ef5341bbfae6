import { readFileSync } from 'node:fs';
import { greatCircleKm, minDistanceKm } from '../../../lambda/ingest/geo/country-distance';
import { countryExtents, EXTENTS_FILE } from '../../../projenrc/country-extents';

describe('distances between countries', () => {
  test('the shipped extents are what projenrc/country-extents.ts makes from world-atlas (never edited by hand)', () => {
    expect(JSON.parse(readFileSync(EXTENTS_FILE, 'utf8'))).toEqual(countryExtents());
  });

  test('neighbours, and countries across a narrow strait, are 0 km apart: never impossible', () => {
    for (const [a, b] of [['DE', 'FR'], ['US', 'CA'], ['GB', 'FR'], ['SG', 'MY'], ['ES', 'MA']]) expect(minDistanceKm(a, b)).toBe(0);
  });

  test('a lower bound: never more than the distance between two cities of the two countries', () => {
    // Berlin–New York, Sydney–Auckland, Tokyo–Seattle: a journey between the countries is no longer.
    expect(minDistanceKm('DE', 'US')!).toBeLessThan(greatCircleKm(52.52, 13.4, 40.71, -74.0));
    expect(minDistanceKm('AU', 'NZ')!).toBeLessThan(greatCircleKm(-33.87, 151.21, -36.85, 174.76));
    expect(minDistanceKm('JP', 'US')!).toBeLessThan(greatCircleKm(35.68, 139.69, 47.61, -122.33));
    // …and still far enough to judge an hour: more than 900 km.
    expect(minDistanceKm('DE', 'US')!).toBeGreaterThan(900);
    expect(minDistanceKm('SG', 'DE')!).toBeGreaterThan(9000);
  });

  test('a code the outlines lack gives no distance, so no judgement', () => {
    expect(minDistanceKm('DE', 'ZZ')).toBeUndefined();
    expect(minDistanceKm('XK', 'DE')).toBeUndefined();
  });
});
