import type { XMLParser } from 'fast-xml-parser';

/**
 * One Windows event as the CloudWatch agent ships it (`windows_events`, README "Windows logons"):
 * either the event's XML (`event_format: "xml"`, what EvtFormatMessage renders: System, EventData
 * and RenderingInfo) or the agent's text line (`event_format: "text"`, its default):
 * `[Security] [INFORMATION] [4624] [Microsoft-Windows-Security-Auditing] [HOST] [<rendered message>]`
 * (amazon-cloudwatch-agent, plugins/inputs/windows_event_log/wineventlog/wineventlogrecord.go).
 *
 * Both become the same record: the event's fields by their EventData names, so one reading of a
 * logon serves both. The XML is read as XML (values are escaped there, so no value can pose as
 * another field). The text is Windows' English message with the values pasted in, so a value with a
 * line break could pose as a field: every field read must appear exactly once in its section, or
 * the record says it is ambiguous and nothing in it is believed. Non-English messages are not read
 * (use the XML format). Only `Microsoft-Windows-Security-Auditing` events on the `Security` channel
 * are logons: only the Local Security Authority writes there.
 */

export interface WindowsEventRecord {
  readonly format: 'xml' | 'text';
  readonly eventId: number;
  readonly provider: string;
  readonly channel: string;
  readonly computer?: string;
  /** ISO-8601 UTC (XML's `TimeCreated`; the text format has none: the log event's timestamp is used). */
  readonly time?: string;
  readonly recordId?: string;
  /** EventData fields by name (`TargetUserName`, `LogonType`, `IpAddress`, …). */
  readonly data: ReadonlyMap<string, string>;
  /** Why some or all of the fields cannot be believed; empty when the record read cleanly. */
  readonly problems: string[];
}

export const SECURITY_AUDITING_PROVIDER = 'Microsoft-Windows-Security-Auditing';

/** A Windows event, or undefined when the message is not one (an SSH line, a JSON document). */
export function parseWindowsEvent(message: string): WindowsEventRecord | undefined {
  const start = message.trimStart();
  if (start.startsWith('<Event')) return parseXml(start);
  if (start.startsWith('[')) return parseText(start);
  return undefined;
}

// ---- XML ----

// Loaded on the first Windows event: a deployment without Windows log groups never pays its load time.
let xmlModule: typeof import('fast-xml-parser') | undefined;
let parser: XMLParser | undefined;
function xml(): { parser: XMLParser; validator: typeof import('fast-xml-parser').XMLValidator } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  xmlModule ??= require('fast-xml-parser') as typeof import('fast-xml-parser');
  parser ??= new xmlModule.XMLParser(XML_OPTIONS);
  return { parser, validator: xmlModule.XMLValidator };
}

const XML_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // `&#13;&#10;` in the rendered message and any `&#x…;` in a value.
  htmlEntities: true,
  isArray: (name: string) => name === 'Data',
};

function parseXml(message: string): WindowsEventRecord | undefined {
  // The agent never writes a document type; one could only be there to define entities.
  if (/<!DOCTYPE|<!ENTITY/i.test(message)) return broken('xml', 'the event XML declares a document type');
  const { parser: reader, validator } = xml();
  const valid = validator.validate(message);
  if (valid !== true) return broken('xml', `the event XML is not well-formed: ${valid.err.msg}`);
  const doc = reader.parse(message) as { Event?: unknown };
  const event = asObject(doc.Event);
  const system = asObject(event?.System);
  if (!event || !system) return broken('xml', 'the event XML has no Event/System element');
  const data = new Map<string, string>();
  const problems: string[] = [];
  const items = asObject(event.EventData)?.Data;
  for (const item of Array.isArray(items) ? items : []) {
    const field = asObject(item);
    const name = typeof field?.Name === 'string' ? field.Name : undefined;
    if (!name) continue;
    if (data.has(name)) problems.push(`the event XML has ${name} twice`);
    data.set(name, text(field?.['#text']));
  }
  const eventId = Number(text(asObject(system.EventID)?.['#text'] ?? system.EventID).trim());
  const time = asObject(system.TimeCreated)?.SystemTime;
  return {
    format: 'xml',
    eventId: Number.isInteger(eventId) ? eventId : NaN,
    provider: text(asObject(system.Provider)?.Name),
    channel: text(system.Channel).trim(),
    ...(typeof system.Computer === 'string' && { computer: system.Computer.trim() }),
    ...(typeof time === 'string' && isoTime(time) && { time: isoTime(time) }),
    ...(typeof system.EventRecordID === 'string' && { recordId: system.EventRecordID.trim() }),
    data,
    problems,
  };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** `2015-11-12T00:24:35.079785200Z` (seven fractional digits) as milliseconds ISO-8601, or undefined. */
function isoTime(value: string): string | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(value.trim());
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}.${(match[2] ?? '0').padEnd(3, '0').slice(0, 3)}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function broken(format: 'xml' | 'text', problem: string, header: Partial<WindowsEventRecord> = {}): WindowsEventRecord {
  return { format, eventId: NaN, provider: '', channel: '', ...header, data: new Map(), problems: [problem] };
}

// ---- text ----

/** `[channel] [LEVEL] [id] [provider] [computer] [message]`: the message runs to the last `]`. */
const TEXT_HEADER = /^\[([^\]\r\n]*)\] \[([A-Z]*)\] \[(\d{1,5})\] \[([^\]\r\n]*)\] \[([^\]\r\n]*)\] \[([\s\S]*)\]\s*$/;

/**
 * Where each field the logon reading needs sits in the English message, by section (`''` for a
 * field at the top level, as Logon Type is in event 4625 and before Windows 10 in 4624).
 */
const TEXT_FIELDS: Record<number, Array<[section: string, label: string, name: string]>> = {
  4624: [
    ['Logon Information', 'Logon Type', 'LogonType'],
    ['', 'Logon Type', 'LogonType'],
    ['Logon Information', 'Restricted Admin Mode', 'RestrictedAdminMode'],
    ['Logon Information', 'Virtual Account', 'VirtualAccount'],
    ['Logon Information', 'Elevated Token', 'ElevatedToken'],
    ['New Logon', 'Security ID', 'TargetUserSid'],
    ['New Logon', 'Account Name', 'TargetUserName'],
    ['New Logon', 'Account Domain', 'TargetDomainName'],
    ['Network Information', 'Workstation Name', 'WorkstationName'],
    ['Network Information', 'Source Network Address', 'IpAddress'],
    ['Network Information', 'Source Port', 'IpPort'],
    ['Detailed Authentication Information', 'Logon Process', 'LogonProcessName'],
    ['Detailed Authentication Information', 'Authentication Package', 'AuthenticationPackageName'],
    ['Detailed Authentication Information', 'Package Name (NTLM only)', 'LmPackageName'],
  ],
  4625: [
    ['', 'Logon Type', 'LogonType'],
    ['Account For Which Logon Failed', 'Security ID', 'TargetUserSid'],
    ['Account For Which Logon Failed', 'Account Name', 'TargetUserName'],
    ['Account For Which Logon Failed', 'Account Domain', 'TargetDomainName'],
    ['Failure Information', 'Failure Reason', 'FailureReason'],
    ['Failure Information', 'Status', 'Status'],
    ['Failure Information', 'Sub Status', 'SubStatus'],
    ['Network Information', 'Workstation Name', 'WorkstationName'],
    ['Network Information', 'Source Network Address', 'IpAddress'],
    ['Network Information', 'Source Port', 'IpPort'],
    ['Detailed Authentication Information', 'Logon Process', 'LogonProcessName'],
    ['Detailed Authentication Information', 'Authentication Package', 'AuthenticationPackageName'],
    ['Detailed Authentication Information', 'Package Name (NTLM only)', 'LmPackageName'],
  ],
};

const HEADING = /^([A-Z][A-Za-z ]*):\s*$/;
const FIELD = /^(\t*)([A-Z][A-Za-z ()]*):(?:[ \t]+(.*?))?\s*$/;

function parseText(message: string): WindowsEventRecord | undefined {
  const header = TEXT_HEADER.exec(message);
  if (!header) return undefined;
  const [, channel, , id, provider, computer, body] = header;
  const eventId = Number(id);
  const record = { format: 'text' as const, eventId, provider, channel, ...(computer && { computer }) };
  const wanted = TEXT_FIELDS[eventId];
  if (!wanted) return { ...record, data: new Map(), problems: [] };

  // Every (section, label) seen, with its values: a field seen twice is one a value posed as.
  const seen = new Map<string, string[]>();
  let section = '';
  for (const line of body.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    const field = FIELD.exec(line);
    if (!field) continue;
    const [, indent, label, value = ''] = field;
    const key = `${indent ? section : ''}\u0000${label}`;
    seen.set(key, [...(seen.get(key) ?? []), value]);
  }
  const data = new Map<string, string>();
  const problems: string[] = [];
  for (const [where, label, name] of wanted) {
    const values = seen.get(`${where}\u0000${label}`);
    if (!values) continue;
    if (values.length > 1) problems.push(`the rendered text has "${where ? `${where}: ` : ''}${label}" ${values.length} times (a value holds a line break)`);
    else if (!data.has(name)) data.set(name, values[0]);
  }
  if (!data.has('LogonType') && problems.length === 0) {
    problems.push('the rendered text has no Logon Type (a message not in English? use event_format "xml")');
  }
  return { ...record, data, problems };
}
