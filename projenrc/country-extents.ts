/**
 * Reduces Natural Earth's country outlines (world-atlas, 1:50m) to what impossible travel needs:
 * for each country (ISO 3166-1 alpha-2), its borders and coasts cut into runs of points, each run
 * as the smallest cap around it (centre, radius in km). Two countries are at least as far apart as
 * their two nearest caps' edges, a lower bound that never overstates a distance (caps are convex, so
 * a cap holds the border between its points). The file is small and loads only when two logins of
 * one person come from different countries within a day.
 *
 *   npx ts-node --transpile-only --project projenrc/tsconfig.json projenrc/country-extents.ts
 *
 * writes lambda/ingest/geo/country-extents.json; test/ingest/geo/country-distance.test.ts checks
 * that the file is what this makes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';

export const EXTENTS_FILE = join(__dirname, '..', 'lambda', 'ingest', 'geo', 'country-extents.json');
/** Points per run: a shorter run makes a tighter cap and a larger file. */
const RUN = 24;
const EARTH_KM = 6371.0088;

type Vector = [number, number, number];
const toVector = ([lon, lat]: Position): Vector => {
  const φ = (lat * Math.PI) / 180;
  const λ = (lon * Math.PI) / 180;
  return [Math.cos(φ) * Math.cos(λ), Math.cos(φ) * Math.sin(λ), Math.sin(φ)];
};
const angleKm = (a: Vector, b: Vector) => EARTH_KM * Math.acos(Math.min(1, Math.max(-1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])));

/** [latitude, longitude, radius km]: latitude and longitude to 0.01° (≤ 1.6 km off: added to the radius). */
export type Cap = [number, number, number];

function capOf(points: Position[]): Cap {
  const vectors = points.map(toVector);
  const sum = vectors.reduce<Vector>((s, v) => [s[0] + v[0], s[1] + v[1], s[2] + v[2]], [0, 0, 0]);
  const length = Math.hypot(...sum) || 1;
  const lat = Math.round((Math.asin(sum[2] / length) * 180) / Math.PI * 100) / 100;
  const lon = Math.round((Math.atan2(sum[1], sum[0]) * 180) / Math.PI * 100) / 100;
  const centre = toVector([lon, lat]);
  const radius = Math.max(...vectors.map((v) => angleKm(centre, v)));
  return [lat, lon, Math.ceil(radius + 1.6)];
}

function capsOfRing(ring: Position[]): Cap[] {
  const caps: Cap[] = [];
  // Consecutive runs share their end point, so every edge of the ring is inside some cap.
  for (let start = 0; start < ring.length - 1; start += RUN - 1) caps.push(capOf(ring.slice(start, start + RUN)));
  return caps;
}

export function countryExtents(): { source: string; countries: Record<string, Cap[]> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const world = require('world-atlas/countries-50m.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const codes = require('i18n-iso-countries/codes.json') as Array<[string, string, string]>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require('world-atlas/package.json') as { version: string }).version;
  const alpha2 = new Map(codes.map(([two, , numeric]) => [numeric, two]));
  const countries: Record<string, Cap[]> = {};
  type Country = { id?: string; geometry: Polygon | MultiPolygon | null };
  const collection = feature(world, world.objects.countries) as unknown as { features: Country[] };
  for (const f of collection.features) {
    const code = f.id === undefined ? undefined : alpha2.get(String(f.id));
    if (!code || !f.geometry) continue; // a few disputed areas have no ISO code
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    const caps = polygons.flatMap((rings) => capsOfRing(rings[0]));
    countries[code] = [...(countries[code] ?? []), ...caps];
  }
  const sorted = Object.fromEntries(Object.entries(countries).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { source: `world-atlas ${version} countries-50m (Natural Earth, public domain)`, countries: sorted };
}

if (require.main === module) {
  writeFileSync(EXTENTS_FILE, JSON.stringify(countryExtents()) + '\n');
}
