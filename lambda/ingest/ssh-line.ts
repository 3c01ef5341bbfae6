import { isIP } from 'node:net';
import { toIsoUtc } from '../shared/values';

/**
 * Parses one syslog line written by sshd into a login, or nothing.
 *
 * The line format is OpenSSH's `auth_log` (openssh-portable auth.c):
 *   Accepted <method>[/<submethod>] for <user> from <ip> port <port> ssh2[: <key>]
 * behind a syslog header in either the traditional (`Mar  5 14:03:07 host sshd[1]: `) or the
 * RFC3339 (`2024-10-15T12:34:56.123456+00:00 host sshd-session[1]: `) form. OpenSSH ≥ 9.8 logs
 * from `sshd-session`, so the process tag is matched as `sshd` plus an optional suffix.
 */

/** A login line that parsed completely. */
export interface ParsedSshLogin {
  readonly parsed: true;
  readonly user: string;
  readonly method: string;
  /** The client address as logged (IPv4-mapped IPv6 kept as is). */
  readonly from: string;
  /** The client address if it is one, IPv4-mapped IPv6 normalised to dotted IPv4. */
  readonly sourceIp?: string;
  readonly port: number;
  readonly keyType?: string;
  readonly keyFingerprint?: string;
  readonly certificate?: { keyId: string; serial?: string; caKeyType?: string; caFingerprint?: string };
  readonly hostname?: string;
  /** ISO-8601 UTC time taken from an RFC3339 header; traditional headers carry no year or zone. */
  readonly time?: string;
}

/** A line where sshd says `Accepted` but the rest could not be read: it still becomes an alert. */
export interface UnparsedSshLogin {
  readonly parsed: false;
  readonly hostname?: string;
  readonly time?: string;
}

export type SshLineResult = ParsedSshLogin | UnparsedSshLogin;

/** `sshd[123]: `, `sshd-session[123]: `, `sshd: ` (journald without pid), preceded by a space or the line start. */
const PROCESS_TAG = /(?:^|\s)sshd(?:-[a-z]+)?(?:\[\d+\])?:\s+/;

/** The login message itself. The user is matched lazily: account names have no spaces, certificate key ids may. */
const ACCEPTED = /^Accepted (?<method>\S+) for (?<user>.+?) from (?<from>\S+) port (?<port>\d{1,5})(?: ssh[12])?(?:: (?<extra>.*))?$/;

/** The same message anywhere in a line without a syslog process tag (e.g. journald exported as JSON). */
const ACCEPTED_UNTAGGED = /\bAccepted (?<method>[\w@./-]+) for (?<user>\S+) from (?<from>[0-9A-Fa-f:.]+) port (?<port>\d{1,5})(?: ssh[12])?(?:: (?<extra>[A-Z0-9-]+ [\w:+/=]+))?/;

/** `<TYPE> <FP>`, or a certificate `<TYPE>-CERT <FP> ID <keyid> (serial N) CA <CATYPE> <CAFP>`, then optional `, <info>`. */
const KEY = /^(?<keyType>[A-Z0-9][A-Z0-9-]*) (?<fingerprint>\S+?)(?: ID (?<keyId>.*) \(serial (?<serial>\d+)\) CA (?<caKeyType>\S+) (?<caFingerprint>\S+?))?(?:, .*)?$/;

/** sshd lines that start with "Accepted" but are not logins (LogLevel VERBOSE/DEBUG details of a login). */
const NOT_A_LOGIN = /^Accepted (?:certificate ID|key )/;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseSshLine(line: string): SshLineResult | undefined {
  if (!line.includes('Accepted')) return undefined;
  const tag = PROCESS_TAG.exec(line);
  if (!tag) return parseUntagged(line);

  const header = readHeader(line.slice(0, tag.index));
  const body = line.slice(tag.index + tag[0].length).trimEnd();
  if (!body.startsWith('Accepted ') || NOT_A_LOGIN.test(body)) return undefined;

  const match = ACCEPTED.exec(body);
  if (!match?.groups) return { parsed: false, ...header };
  return toLogin(match.groups, header);
}

function parseUntagged(line: string): SshLineResult | undefined {
  if (!line.includes('sshd')) return undefined;
  const match = ACCEPTED_UNTAGGED.exec(line);
  return match?.groups ? toLogin(match.groups, {}) : undefined;
}

function toLogin(groups: Record<string, string | undefined>, header: Header): SshLineResult {
  const port = Number(groups.port);
  if (port > 65535) return { parsed: false, ...header };
  const from = groups.from!;
  return {
    parsed: true,
    user: groups.user!,
    method: groups.method!,
    from,
    sourceIp: normaliseIp(from),
    port,
    ...parseKey(groups.extra),
    ...header,
  };
}

type KeyFields = Pick<ParsedSshLogin, 'keyType' | 'keyFingerprint' | 'certificate'>;

function parseKey(extra: string | undefined): KeyFields {
  const key = extra ? KEY.exec(extra)?.groups : undefined;
  if (!key) return {};
  const fields: KeyFields = { keyType: key.keyType, keyFingerprint: key.fingerprint };
  if (key.keyId === undefined) return fields;
  return {
    ...fields,
    certificate: {
      keyId: key.keyId,
      serial: key.serial,
      caKeyType: key.caKeyType,
      caFingerprint: key.caFingerprint,
    },
  };
}

interface Header {
  readonly hostname?: string;
  readonly time?: string;
}

/** Reads the hostname (the word before the process tag) and, for RFC3339 headers, the time. */
function readHeader(prefix: string): Header {
  const words = prefix.trim().split(/\s+/).filter(Boolean);
  // A header is at least a timestamp and a hostname; anything shorter names no host.
  const hostname = words.length >= 2 && HOSTNAME.test(words[words.length - 1]) ? words[words.length - 1] : undefined;
  const time = words.length > 0 && RFC3339.test(words[0]) ? toIsoUtc(words[0]) : undefined;
  return { ...(hostname && { hostname }), ...(time && { time }) };
}

/** A valid address, with IPv4-mapped IPv6 (`::ffff:203.0.113.7`) shown as the IPv4 it is. */
export function normaliseIp(address: string): string | undefined {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(address) ? address : undefined;
}
