/**
 * How far apart two countries are at the least: the distance between their nearest border or coast
 * points, as a lower bound (projenrc/country-extents.ts says how the caps are made), less a margin
 * for the 1:50m outlines' generalisation. Used by impossible travel, which must never call a
 * possible journey impossible: every step rounds towards "closer". Neighbours are 0 km apart.
 * Undefined for a code the outlines lack (a few territories): no judgement then.
 */
type Cap = readonly [number, number, number];

const EARTH_KM = 6371.0088;
/** Natural Earth's 1:50m coasts and borders stray from the true line by a few km; take off more. */
export const OUTLINE_MARGIN_KM = 25;

let extents: Record<string, Cap[]> | undefined;
function capsOf(country: string): Cap[] | undefined {
  // Loaded on the first journey to judge, not at cold start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  extents ??= (require('./country-extents.json') as { countries: Record<string, Cap[]> }).countries;
  return extents[country];
}

const known = new Map<string, number | undefined>();

export function minDistanceKm(a: string, b: string): number | undefined {
  if (a === b) return 0;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  if (known.has(key)) return known.get(key);
  const capsA = capsOf(a);
  const capsB = capsOf(b);
  let result: number | undefined;
  if (capsA && capsB) {
    let nearest = Infinity;
    for (const [latA, lonA, radiusA] of capsA) {
      for (const [latB, lonB, radiusB] of capsB) {
        nearest = Math.min(nearest, greatCircleKm(latA, lonA, latB, lonB) - radiusA - radiusB);
      }
    }
    result = Math.max(0, Math.floor(nearest - OUTLINE_MARGIN_KM));
  }
  known.set(key, result);
  return result;
}

export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dφ = (lat2 - lat1) * rad;
  const dλ = (lon2 - lon1) * rad;
  const h = Math.sin(dφ / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dλ / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
