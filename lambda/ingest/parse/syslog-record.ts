import { isObject, nonEmptyString, toIsoUtc } from '../../shared/values';

/**
 * Finds the message sshd wrote in one log line, only where the line's structure says sshd wrote it:
 *
 * - a syslog line with sshd's tag in header position: `[<PRI>]TIMESTAMP HOST sshd[PID]: message`,
 *   where TIMESTAMP is traditional (`Mar  5 14:03:07`), RFC3339 / ISO-8601 (`2024-10-15T12:34:56+00:00`,
 *   also with a space before the time as macOS `log --style syslog` writes), Unix seconds
 *   (`journalctl -o short-unix`) or monotonic (`[ 1234.5]`); or the tag opening the line;
 * - RFC 5424: `<PRI>1 TIMESTAMP HOST sshd PROCID MSGID SD message`;
 * - a journald JSON record (`journalctl -o json`): `SYSLOG_IDENTIFIER` (or `_COMM`) and `MESSAGE`.
 *
 * The tag is `sshd`, OpenSSH ≥ 9.8's `sshd-session` (any `sshd-<word>`), with an optional pid.
 * Header fields are separated by spaces only, so a tab-separated application log (Lambda's own
 * format) whose text contains an sshd line never matches. JSON is read as structure, never searched
 * as text, so an alert someone's subscriber logged cannot become a login again.
 */

export interface RecordHeader {
  readonly hostname?: string;
  /** ISO-8601 UTC, when the header has a full date and time. */
  readonly time?: string;
  /** A traditional syslog time (`Mar  5 14:03:07`): month, day and time without a year or zone. */
  readonly syslogTime?: string;
}

export interface SshRecord {
  readonly message: string;
  readonly header: RecordHeader;
}

const TRADITIONAL = '[A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}';
const ISO = '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?';
const UNIX = '\\d{9,11}\\.\\d{1,9}';
const MONOTONIC = '\\[ *\\d+\\.\\d+\\]';
/** The programs whose records are read, by their syslog tag (journald identifier) as a pattern. */
const PROGRAMS = {
  'sshd': 'sshd(?:-[a-z]+)?',
  'ec2-instance-connect': 'ec2-instance-connect',
} as const;
export type Program = keyof typeof PROGRAMS;

interface Patterns {
  readonly syslog: RegExp;
  readonly rfc5424: RegExp;
  readonly identifier: RegExp;
}

/** Each alternative is anchored and made of single tokens: matching is linear in the header's length. */
function patternsFor(tag: string): Patterns {
  return {
    syslog: new RegExp(`^(?:<\\d{1,3}>)?(?:(?<time>${TRADITIONAL}|${ISO}|${UNIX}|${MONOTONIC}) +(?<host>[^ ]+) +)?${tag}(?:\\[\\d+(?::[0-9a-fx]+)?\\])?: `),
    rfc5424: new RegExp(`^<\\d{1,3}>1 (?<time>\\S+) (?<host>\\S+) ${tag} \\S+ \\S+ (?:-|\\[[^\\]]*\\])+ ?`),
    identifier: new RegExp(`^${tag}$`),
  };
}
const PATTERNS: Record<Program, Patterns> = { 'sshd': patternsFor(PROGRAMS.sshd), 'ec2-instance-connect': patternsFor(PROGRAMS['ec2-instance-connect']) };

/** A JSON record larger than this is not a journald export of an sshd line. */
const MAX_JSON_CHARS = 64 * 1024;

export function readSshRecord(line: string): SshRecord | undefined {
  return readRecord(line, 'sshd');
}

/** The message a program wrote, where the line's structure says that program wrote it. */
export function readRecord(line: string, program: Program): SshRecord | undefined {
  const patterns = PATTERNS[program];
  if (line.startsWith('{')) return readJournaldJson(line, patterns.identifier);
  const rfc5424 = patterns.rfc5424.exec(line);
  if (rfc5424?.groups) {
    return { message: line.slice(rfc5424[0].length), header: header(rfc5424.groups.time, rfc5424.groups.host) };
  }
  const syslog = patterns.syslog.exec(line);
  if (!syslog) return undefined;
  return { message: line.slice(syslog[0].length), header: header(syslog.groups?.time, syslog.groups?.host) };
}

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function header(time: string | undefined, host: string | undefined): RecordHeader {
  const hostname = host && HOSTNAME.test(host) ? host : undefined;
  return { ...(hostname && { hostname }), ...readTime(time) };
}

function readTime(time: string | undefined): Pick<RecordHeader, 'time' | 'syslogTime'> {
  if (time === undefined || time.startsWith('[')) return {};
  if (/^[A-Z]/.test(time)) return { syslogTime: time };
  if (/^\d+\.\d+$/.test(time)) return { time: new Date(Number(time) * 1000).toISOString() };
  // Without a zone the time is local to a machine we do not know: not a time we can state.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/.test(time)) return {};
  const iso = toIsoUtc(time.replace(' ', 'T').replace(',', '.').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return iso ? { time: iso } : {};
}

function readJournaldJson(line: string, wanted: RegExp): SshRecord | undefined {
  if (line.length > MAX_JSON_CHARS) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(record)) return undefined;
  const identifier = nonEmptyString(record.SYSLOG_IDENTIFIER) ?? nonEmptyString(record._COMM);
  const message = nonEmptyString(record.MESSAGE);
  if (!identifier || !wanted.test(identifier) || !message) return undefined;
  const hostname = nonEmptyString(record._HOSTNAME);
  const micros = nonEmptyString(record.__REALTIME_TIMESTAMP);
  const time = micros && /^\d{1,17}$/.test(micros) ? new Date(Number(micros) / 1000).toISOString() : undefined;
  return { message, header: { ...(hostname && HOSTNAME.test(hostname) && { hostname }), ...(time && { time }) } };
}
