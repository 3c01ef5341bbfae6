/* eslint-disable no-bitwise */ // addresses are bit fields
import { isIP } from 'node:net';

/**
 * IP range tables: what the construct makes at synth from CSV databases (the `@ip-location-db/*`
 * CSV layout: `start,end,country` or `start,end,asn,organisation`, addresses or numbers) and the
 * functions and `replay` read. A CSV of half a million ranges takes a second to parse, too slow for
 * a cold start; the table opens in a millisecond and is searched in place (binary search on the
 * buffer). Layout, little-endian:
 *
 *   "CLAGEO1\n" · u32 header length · header JSON (kind, counts) · pad to 4 · value offsets
 *   (count + 1 u32s into the text) · IPv4 rows (start u32, end u32, value u32) · IPv6 rows (start 16
 *   bytes big-endian, end 16 bytes, value u32) · the values' text (UTF-8: `DE`, `13335\tCloudflare, Inc.`)
 *
 * Values are decoded when a lookup finds them, so opening a table reads only its header.
 *
 * Rows are sorted by start and do not overlap (a CSV that overlaps is refused at synth).
 */

/** The layout's version, in its first bytes: a cache of tables keys on it too. */
export const RANGE_TABLE_FORMAT = 'CLAGEO1';
const MAGIC = Buffer.from(`${RANGE_TABLE_FORMAT}\n`, 'latin1');
const V4_ROW = 12;
const V6_ROW = 36;

/** What a table's values are: a country code, or an autonomous system's number and organisation. */
export type RangeValue = { readonly country: string } | { readonly asn: number; readonly asOrg?: string };

interface Header {
  readonly kind: 'country' | 'asn';
  /** How many distinct values (country codes, or AS number and organisation). */
  readonly values: number;
  readonly v4: number;
  readonly v6: number;
}

export class RangeTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangeTableError';
  }
}

/** An address as a number: IPv4 as 32 bits, IPv6 as 128 (an IPv4-mapped IPv6 address is the IPv4 it maps). */
export function ipNumber(address: string): { family: 4; value: number } | { family: 6; value: bigint } | undefined {
  const version = isIP(address);
  if (version === 4) return { family: 4, value: ipv4Number(address) };
  if (version !== 6) return undefined;
  const value = ipv6Number(address);
  if (value >> 32n === 0xffffn) return { family: 4, value: Number(value & 0xffffffffn) };
  return { family: 6, value };
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv6Number(address: string): bigint {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A dotted tail (::ffff:1.2.3.4) is the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4Number(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

interface Row<T> {
  readonly start: T;
  readonly end: T;
  readonly value: number;
}

/** Reads one of the CSV files; rows for both families (a file may hold either or both). */
export function parseRangeCsv(text: string, label: string): { kind: 'country' | 'asn'; rows: Array<{ start: string; end: string; value: RangeValue }> } {
  const rows: Array<{ start: string; end: string; value: RangeValue }> = [];
  let kind: 'country' | 'asn' | undefined;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    const fields = csvFields(line.replace(/\r$/, ''));
    const rowKind = fields.length === 3 ? 'country' : fields.length === 4 ? 'asn' : undefined;
    if (!rowKind || (kind && rowKind !== kind)) {
      throw new RangeTableError(`${label}:${lineNumber}: expected start,end,country or start,end,asn,organisation, found ${JSON.stringify(line.slice(0, 80))}`);
    }
    kind = rowKind;
    const [start, end, third, fourth] = fields;
    if (kind === 'country') {
      if (!/^[A-Z]{2}$/.test(third)) throw new RangeTableError(`${label}:${lineNumber}: ${JSON.stringify(third)} is not a two-letter country code`);
      rows.push({ start, end, value: { country: third } });
    } else {
      const asn = Number(third);
      if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new RangeTableError(`${label}:${lineNumber}: ${JSON.stringify(third)} is not an AS number`);
      rows.push({ start, end, value: { asn, ...(fourth && { asOrg: fourth }) } });
    }
  }
  if (!kind) throw new RangeTableError(`${label} has no ranges`);
  return { kind, rows };
}

function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      // A quoted field ends at a quote not doubled.
      let close = line.indexOf('"', i + 1);
      while (close >= 0 && line[close + 1] === '"') close = line.indexOf('"', close + 2);
      if (close < 0) close = line.length;
      fields.push(line.slice(i + 1, close).replace(/""/g, '"'));
      i = close + 2; // past the quote and the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** A range's end, as a number of its family: the CSV gives addresses, or numbers (`-num` files). */
function endpoint(text: string, label: string): { family: 4; value: number } | { family: 6; value: bigint } {
  if (/^\d+$/.test(text)) {
    const value = BigInt(text);
    return value <= 0xffffffffn && !label.includes('ipv6') ? { family: 4, value: Number(value) } : { family: 6, value };
  }
  const version = isIP(text);
  if (version === 4) return { family: 4, value: ipv4Number(text) };
  if (version === 6) return { family: 6, value: ipv6Number(text) };
  throw new RangeTableError(`${label}: ${JSON.stringify(text)} is not an address`);
}

/** Builds a table from the CSV files' text (IPv4 and IPv6 files of one database). */
export function encodeRangeTable(files: ReadonlyArray<{ label: string; text: string }>): Buffer {
  const values: string[] = [];
  const index = new Map<string, number>();
  const v4: Array<Row<number>> = [];
  const v6: Array<Row<bigint>> = [];
  let kind: 'country' | 'asn' | undefined;
  for (const file of files) {
    const parsed = parseRangeCsv(file.text, file.label);
    if (kind && parsed.kind !== kind) throw new RangeTableError(`${file.label} holds ${parsed.kind} ranges, the other files ${kind} ranges: one database per table`);
    kind = parsed.kind;
    for (const row of parsed.rows) {
      const key = 'country' in row.value ? row.value.country : `${row.value.asn}\u0000${row.value.asOrg ?? ''}`;
      let valueIndex = index.get(key);
      if (valueIndex === undefined) {
        index.set(key, valueIndex = values.length);
        values.push('country' in row.value ? row.value.country : `${row.value.asn}\t${(row.value.asOrg ?? '').replace(/\t/g, ' ')}`);
      }
      const start = endpoint(row.start, file.label);
      const end = endpoint(row.end, file.label);
      if (start.family !== end.family || start.value > end.value) throw new RangeTableError(`${file.label}: ${row.start}-${row.end} is not a range`);
      if (start.family === 4) v4.push({ start: start.value, end: end.value as number, value: valueIndex });
      else v6.push({ start: start.value, end: end.value as bigint, value: valueIndex });
    }
  }
  const byStart = <T extends number | bigint>(a: Row<T>, b: Row<T>) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);
  v4.sort(byStart);
  v6.sort(byStart);
  const rows4 = untangle(v4, (n) => n + 1, (n) => n - 1);
  const rows6 = untangle(v6, (n) => n + 1n, (n) => n - 1n);
  const header: Header = { kind: kind!, values: values.length, v4: rows4.length, v6: rows6.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = MAGIC.length + 4 + json.length;
  const padded = Math.ceil(headerEnd / 4) * 4;
  const texts = values.map((v) => Buffer.from(v, 'utf8'));
  const offsetsAt = padded;
  const rowsAt = offsetsAt + (values.length + 1) * 4;
  const textAt = rowsAt + rows4.length * V4_ROW + rows6.length * V6_ROW;
  const out = Buffer.alloc(textAt + texts.reduce((n, t) => n + t.length, 0));
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let offset = 0;
  texts.forEach((text, i) => {
    out.writeUInt32LE(offset, offsetsAt + i * 4);
    text.copy(out, textAt + offset);
    offset += text.length;
  });
  out.writeUInt32LE(offset, offsetsAt + texts.length * 4);
  let at = rowsAt;
  for (const row of rows4) {
    out.writeUInt32LE(row.start, at);
    out.writeUInt32LE(row.end, at + 4);
    out.writeUInt32LE(row.value, at + 8);
    at += V4_ROW;
  }
  for (const row of rows6) {
    writeU128(out, row.start, at);
    writeU128(out, row.end, at + 16);
    out.writeUInt32LE(row.value, at + 32);
    at += V6_ROW;
  }
  return out;
}

/**
 * Overlapping rows (the published files have a few) made disjoint: the row that starts later is
 * taken as the more specific one and wins over its span; the wider row keeps what is left before and
 * after it. Rare, so a pass that splits, then a sort, until nothing overlaps.
 */
function untangle<T extends number | bigint>(rows: Array<Row<T>>, next: (n: T) => T, previous: (n: T) => T): Array<Row<T>> {
  const byStart = (a: Row<T>, b: Row<T>) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);
  let current = rows;
  for (let pass = 0; pass < 16; pass++) {
    const out: Array<Row<T>> = [];
    let split = false;
    for (const row of current) {
      const last = out[out.length - 1];
      if (!last || last.end < row.start) { out.push(row); continue; }
      split = true;
      out.pop();
      if (last.start < row.start) out.push({ ...last, end: previous(row.start) });
      out.push(row);
      if (last.end > row.end) out.push({ ...last, start: next(row.end) });
    }
    if (!split) return current;
    current = out.sort(byStart);
  }
  throw new RangeTableError('ranges overlap too deeply to untangle');
}

function writeU128(buffer: Buffer, value: bigint, at: number): void {
  buffer.writeBigUInt64BE(value >> 64n, at);
  buffer.writeBigUInt64BE(value & 0xffffffffffffffffn, at + 8);
}

function readU128(buffer: Buffer, at: number): bigint {
  return (buffer.readBigUInt64BE(at) << 64n) | buffer.readBigUInt64BE(at + 8);
}

/** A table opened in place: the buffer is searched, never copied. */
export class RangeTable {
  static isRangeTable(buffer: Buffer): boolean {
    return buffer.length >= MAGIC.length && buffer.subarray(0, MAGIC.length).equals(MAGIC);
  }

  readonly kind: 'country' | 'asn';
  readonly size: number;
  private readonly valueCount: number;
  private readonly offsetsAt: number;
  private readonly textAt: number;
  private readonly decoded = new Map<number, RangeValue>();
  private readonly v4At: number;
  private readonly v6At: number;
  private readonly v4Count: number;
  private readonly v6Count: number;

  constructor(private readonly buffer: Buffer) {
    if (!RangeTable.isRangeTable(buffer)) throw new RangeTableError('not a range table');
    const length = buffer.readUInt32LE(MAGIC.length);
    const header = JSON.parse(buffer.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + length)) as Header;
    this.kind = header.kind;
    this.valueCount = header.values;
    this.v4Count = header.v4;
    this.v6Count = header.v6;
    this.offsetsAt = Math.ceil((MAGIC.length + 4 + length) / 4) * 4;
    this.v4At = this.offsetsAt + (header.values + 1) * 4;
    this.v6At = this.v4At + header.v4 * V4_ROW;
    this.textAt = this.v6At + header.v6 * V6_ROW;
    this.size = header.v4 + header.v6;
    if (buffer.length < this.textAt || buffer.length < this.textAt + buffer.readUInt32LE(this.offsetsAt + header.values * 4)) {
      throw new RangeTableError('range table is cut short');
    }
  }

  lookup(address: string): RangeValue | undefined {
    const ip = ipNumber(address);
    if (!ip) return undefined;
    const row = ip.family === 4 ? this.find4(ip.value) : this.find6(ip.value);
    if (row === undefined) return undefined;
    return this.value(row);
  }

  private value(index: number): RangeValue | undefined {
    if (index >= this.valueCount) return undefined;
    const known = this.decoded.get(index);
    if (known) return known;
    const start = this.buffer.readUInt32LE(this.offsetsAt + index * 4);
    const end = this.buffer.readUInt32LE(this.offsetsAt + index * 4 + 4);
    const text = this.buffer.toString('utf8', this.textAt + start, this.textAt + end);
    let value: RangeValue;
    if (this.kind === 'country') {
      value = { country: text };
    } else {
      const tab = text.indexOf('\t');
      const org = text.slice(tab + 1);
      value = { asn: Number(text.slice(0, tab)), ...(org && { asOrg: org }) };
    }
    this.decoded.set(index, value);
    return value;
  }

  private find4(ip: number): number | undefined {
    return this.find(ip, this.v4At, this.v4Count, V4_ROW, 4, (at) => this.buffer.readUInt32LE(at));
  }

  private find6(ip: bigint): number | undefined {
    return this.find(ip, this.v6At, this.v6Count, V6_ROW, 16, (at) => readU128(this.buffer, at));
  }

  /**
   * The value of the last row starting at or before the address, if that row reaches it. A row is
   * start, end (each `width` bytes, read by `read`), then the value's index (u32).
   */
  private find<T extends number | bigint>(
    ip: T, rowsAt: number, count: number, rowSize: number, width: number, read: (at: number) => T,
  ): number | undefined {
    let low = 0;
    let high = count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (read(rowsAt + mid * rowSize) <= ip) { found = mid; low = mid + 1; } else { high = mid - 1; }
    }
    if (found < 0) return undefined;
    const at = rowsAt + found * rowSize;
    return read(at + width) >= ip ? this.buffer.readUInt32LE(at + 2 * width) : undefined;
  }
}
