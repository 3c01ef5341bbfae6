import { readSshRecord, type RecordHeader } from './syslog-record';
import { normaliseIp } from '../../shared/networks';

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

/** Syslog facilities and levels that relays and syslog daemons write in front of a message. */
const FACILITY = '(?:auth|authpriv|security|daemon|user|local[0-7])';
const LEVEL = '(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)';
/**
 * What may stand between the record header and sshd's own message, enumerated (never searched for):
 * Solaris/illumos message ids `[ID 800047 auth.info] `, and a facility label as some relays write it,
 * `<auth.info> `, `auth.info: ` or `auth.info `. Nothing a client sends can begin sshd's message: it
 * always starts with sshd's own words (`Invalid user `, `Failed password for `, …).
 */
const MESSAGE_PREFIX = new RegExp(`^(?:\\[ID \\d{1,10} ${FACILITY}\\.${LEVEL}\\] |<${FACILITY}\\.${LEVEL}> |${FACILITY}\\.${LEVEL}:? )`);

export function parseSshLine(line: string): SshLineResult | undefined {
  if (!line.includes('Accepted')) return undefined;
  const record = readSshRecord(line);
  if (!record) return undefined;
  return parseMessage(record.message, record.header);
}

/**
 * The message sshd logged (after its tag), with what the record header told. A login only when the
 * message itself begins with `Accepted ` (after a known prefix): sshd echoes client-chosen user names
 * into its pre-authentication messages (`Invalid user <name> from …`), and a name can be
 * `x Accepted password for root from …`.
 */
export function parseMessage(message: string, header: RecordHeader): SshLineResult | undefined {
  const body = message.replace(MESSAGE_PREFIX, '').trimEnd();
  if (!body.startsWith('Accepted ') || NOT_A_LOGIN.test(body)) return undefined;
  const groups = ACCEPTED.exec(body)?.groups;
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

/**
 * `Accepted <method> for <user> from <from> port <port>[ ssh2][: <extra>]`, on one line. The user is a
 * unix account name: one token without whitespace (anything else is an unparsed login, raw line kept).
 * Every group is a token bounded by a literal space, so matching is linear in the line's length.
 */
const ACCEPTED = /^Accepted (?<method>\S+) for (?<user>\S+) from (?<from>\S+) port (?<port>\d{1,5})(?: ssh[12])?(?:: (?<extra>[^\r\n\u2028\u2029]*))?$/;

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
