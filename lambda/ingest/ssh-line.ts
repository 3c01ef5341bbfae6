import { isIP } from 'node:net';
import { readSshRecord, type RecordHeader } from './syslog-record';

/**
 * Parses one log line written by sshd into a login, or nothing.
 *
 * Only a record whose structure says sshd wrote it is read (see `syslog-record.ts`): a syslog or
 * journald line with sshd's tag in header position, or a journald JSON record. Text that merely
 * contains sshd-looking words (a URL, a JSON field, an alert logged by someone's subscriber) is not.
 *
 * The message is OpenSSH's `auth_log` (openssh-portable auth.c):
 *   Accepted <method>[/<submethod>] for <user> from <ip> port <port> ssh2[: <key>]
 * Every step is linear in the line's length: no pattern with nested or overlapping quantifiers runs
 * over untrusted text (a crafted 256 KB line once took 16 s).
 */

/** A login line that parsed completely. */
export interface ParsedSshLogin extends RecordHeader {
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
}

/** A line where sshd says `Accepted` but the rest could not be read: it still becomes an alert. */
export interface UnparsedSshLogin extends RecordHeader {
  readonly parsed: false;
}

export type SshLineResult = ParsedSshLogin | UnparsedSshLogin;

/** sshd lines that start with "Accepted" but are not logins (LogLevel VERBOSE/DEBUG details of a login). */
const NOT_A_LOGIN = /^Accepted (?:certificate ID|key )/;

/** Solaris/illumos syslog puts a message id between the tag and the message: `[ID 800047 auth.info] `. */
const MESSAGE_ID_PREFIX = /^\[ID \d+ [\w.]+\] /;

export function parseSshLine(line: string): SshLineResult | undefined {
  if (!line.includes('Accepted')) return undefined;
  const record = readSshRecord(line);
  if (!record) return undefined;
  return parseMessage(record.message, record.header);
}

/** The message sshd logged (after its tag), with what the record header told. */
export function parseMessage(message: string, header: RecordHeader): SshLineResult | undefined {
  let body = message.replace(MESSAGE_ID_PREFIX, '').trimEnd();
  if (!body.startsWith('Accepted ')) {
    // Whatever sits between the tag and `Accepted` (another message-id format, a facility label),
    // a line where sshd says it accepted a login must alert: parsed from there, or unparsed.
    const at = body.indexOf(' Accepted ');
    if (at < 0) return undefined;
    body = body.slice(at + 1);
  }
  if (NOT_A_LOGIN.test(body)) return undefined;
  const groups = matchAccepted(body);
  if (!groups) return { parsed: false, ...header };
  const port = Number(groups.port);
  if (port > 65535) return { parsed: false, ...header };
  return {
    parsed: true,
    user: groups.user,
    method: groups.method,
    from: groups.from,
    sourceIp: normaliseIp(groups.from),
    port,
    ...parseKey(groups.extra),
    ...header,
  };
}

interface AcceptedGroups {
  method: string;
  user: string;
  from: string;
  port: string;
  extra?: string;
}

const HEAD = /^Accepted (\S+) for /;
/** What follows the user: tried at each ` from ` in turn, sticky, so each try reads one token. */
const TAIL = / from (\S+) port (\d{1,5})(?: ssh[12])?(: |$)/y;

/**
 * `Accepted <method> for <user> from <from> port <port>[ ssh2][: <extra>]`. The user is the shortest
 * text before a ` from ` that the rest matches (account names have no spaces; certificate key ids
 * may). Linear: each candidate reads only its own token, and candidates do not overlap.
 */
function matchAccepted(body: string): AcceptedGroups | undefined {
  const head = HEAD.exec(body);
  if (!head) return undefined;
  const userStart = head[0].length;
  const firstBreak = body.search(/[\r\n\u2028\u2029]/);
  for (let at = body.indexOf(' from ', userStart + 1); at >= 0; at = body.indexOf(' from ', at + 1)) {
    // The user never spans a line break; neither does anything after it.
    if (firstBreak >= 0 && firstBreak < at) return undefined;
    TAIL.lastIndex = at;
    const tail = TAIL.exec(body);
    if (!tail) continue;
    const end = at + tail[0].length;
    const groups = { method: head[1], user: body.slice(userStart, at), from: tail[1], port: tail[2] };
    if (tail[3] === ': ') return firstBreak < 0 ? { ...groups, extra: body.slice(end) } : undefined;
    return groups;
  }
  return undefined;
}

type KeyFields = Pick<ParsedSshLogin, 'keyType' | 'keyFingerprint' | 'certificate'>;

const KEY_TYPE = /^([A-Z0-9][A-Z0-9-]*) /;
const CERT_TAIL = / \(serial (\d+)\) CA (\S+) (\S+?)(?:, [^]*)?$/y;

/**
 * `<TYPE> <FP>`; a certificate `<TYPE>-CERT <FP> ID <keyid> (serial N) CA <CATYPE> <CAFP>`; or the
 * older certificate form without a fingerprint (OpenSSH < 7.x, CentOS 7, Vault-signed keys):
 * `<TYPE>-CERT ID <keyid> (serial N) CA <CATYPE> <CAFP>`. Then an optional `, <info>`.
 */
function parseKey(extra: string | undefined): KeyFields {
  const type = extra === undefined ? undefined : KEY_TYPE.exec(extra);
  if (!type) return {};
  const keyType = type[1];
  const rest = extra!.slice(type[0].length);
  if (keyType.endsWith('-CERT') && rest.startsWith('ID ')) {
    const certificate = parseCertificate(rest.slice('ID '.length));
    return certificate ? { keyType, certificate } : { keyType };
  }
  const space = rest.indexOf(' ');
  const token = space < 0 ? rest : rest.slice(0, space);
  const keyFingerprint = token.endsWith(',') ? token.slice(0, -1) : token;
  if (keyFingerprint === '') return {};
  const after = space < 0 ? '' : rest.slice(space);
  if (after.startsWith(' ID ')) {
    const certificate = parseCertificate(after.slice(' ID '.length));
    return certificate ? { keyType, keyFingerprint, certificate } : { keyType, keyFingerprint };
  }
  return { keyType, keyFingerprint };
}

/** `<keyid> (serial N) CA <CATYPE> <CAFP>[, info]`: the key id is everything up to the last serial that fits. */
function parseCertificate(text: string): ParsedSshLogin['certificate'] {
  for (let at = text.lastIndexOf(' (serial '); at > 0; at = text.lastIndexOf(' (serial ', at - 1)) {
    CERT_TAIL.lastIndex = at;
    const tail = CERT_TAIL.exec(text);
    if (tail) return { keyId: text.slice(0, at), serial: tail[1], caKeyType: tail[2], caFingerprint: tail[3] };
  }
  return undefined;
}

/** A valid address, with IPv4-mapped IPv6 (`::ffff:203.0.113.7`) shown as the IPv4 it is. */
export function normaliseIp(address: string): string | undefined {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(address) ? address : undefined;
}
