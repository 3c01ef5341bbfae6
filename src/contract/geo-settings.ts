/**
 * What the construct tells the functions about the IP databases (`GEO_DATABASES`, JSON) and the
 * same for `replay --geo-database`: each file, what it is called, its licence and its date. The
 * functions read the files from the geo layer (`/opt/geo/…`); the format is told by the file
 * itself (a range table, src/contract/geo-ranges.ts, or a MaxMind DB).
 */
export interface GeoDatabaseEntry {
  /** Absolute path (`/opt/geo/0-iptoasn-country.mmdb` in a function). */
  readonly file: string;
  /** Shown in each alert's `geo.source`. */
  readonly name: string;
  readonly licence: string;
  readonly attribution?: string;
  /** YYYY-MM-DD: the data's date when known at synth; a MaxMind DB's own build date otherwise. */
  readonly date?: string;
}

/** Where the geo layer's files are in a function. */
export const GEO_LAYER_DIRECTORY = '/opt/geo';

/** The speed no traveller beats (km/h): an airliner's cruise, rounded up. */
export const DEFAULT_TRAVEL_SPEED_KMH = 900;

export function checkGeoDatabases(value: unknown, label = 'GEO_DATABASES'): GeoDatabaseEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${label} is not a non-empty list of databases`);
  return value.map((entry, i) => {
    const e = entry as Record<string, unknown>;
    for (const key of ['file', 'name', 'licence'] as const) {
      if (typeof e?.[key] !== 'string' || e[key] === '') throw new Error(`${label}[${i}] has no ${key}`);
    }
    if (e.date !== undefined && (typeof e.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e.date))) throw new Error(`${label}[${i}].date is not YYYY-MM-DD`);
    return {
      file: e.file as string,
      name: e.name as string,
      licence: e.licence as string,
      ...(typeof e.attribution === 'string' && { attribution: e.attribution }),
      ...(typeof e.date === 'string' && { date: e.date }),
    };
  });
}
