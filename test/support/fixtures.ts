import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** The non-empty lines of a log file under test/fixtures/ssh. */
export function sshLines(file: string): string[] {
  return readFileSync(join(FIXTURES, 'ssh', file), 'utf8').split('\n').filter((line) => line !== '');
}

/** The line of a fixture file containing `needle` (so tests name lines by what they say). */
export function sshLine(file: string, needle: string): string {
  const matches = sshLines(file).filter((line) => line.includes(needle));
  if (matches.length !== 1) throw new Error(`${matches.length} lines of ${file} contain ${needle}`);
  return matches[0];
}

/** An EventBridge event under test/fixtures/cloudtrail. */
export function cloudTrailEvent(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail', `${name}.json`), 'utf8'));
}

/** A fixture's event with its CloudTrail record changed. */
export function withDetail(fixture: string, change: (detail: Record<string, any>) => void): Record<string, any> {
  const event = cloudTrailEvent(fixture);
  change(event.detail);
  return event;
}

export const CLOUDTRAIL_FIXTURES = [
  'root-success-no-mfa', 'root-failure', 'iam-user-no-mfa', 'iam-user-mfa',
  'iam-user-failure-hidden', 'saml-federated', 'identity-center',
];

export interface DeliveryOptions {
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly owner?: string;
  /** Milliseconds since the epoch of the first line; the rest follow one second apart. */
  readonly firstTimestamp?: number;
  readonly idPrefix?: string;
}

/** The payload CloudWatch Logs delivers to a subscribed function, before encoding. */
export function logsPayload(messages: string[], options: DeliveryOptions = {}) {
  const first = options.firstTimestamp ?? Date.UTC(2026, 10, 21, 9, 15, 2);
  return {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '123456789012',
    logGroup: options.logGroup ?? '/ec2/var/log/secure',
    logStream: options.logStream ?? 'i-0abc123def4567890',
    subscriptionFilters: ['LoginAlertsSshFilter'],
    logEvents: messages.map((message, index) => ({
      id: `${options.idPrefix ?? '3195310660696698337880902507980421114328961542429822'}${String(index).padStart(4, '0')}`,
      timestamp: first + index * 1000,
      message,
    })),
  };
}

/** What the function receives: `{awslogs: {data: base64(gzip(json))}}`. */
export function encodeLogs(payload: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
}

export function logsDelivery(messages: string[], options: DeliveryOptions = {}) {
  return encodeLogs(logsPayload(messages, options));
}

/** A Windows Security log event under test/fixtures/windows: `<name>.xml` in the agent's XML format, else the text format's. */
export function windowsEvent(name: string): string {
  if (name.endsWith('.xml')) return readFileSync(join(FIXTURES, 'windows', name), 'utf8').trim();
  const text = JSON.parse(readFileSync(join(FIXTURES, 'windows', 'text-format.json'), 'utf8')) as Record<string, string>;
  if (!(name in text)) throw new Error(`no Windows text-format fixture ${name}`);
  return text[name];
}

/** An EKS API server audit event under test/fixtures/eks (SOURCES.md), as the JSON text CloudWatch Logs holds. */
export function eksAuditEvent(name: string): string {
  const events = JSON.parse(readFileSync(join(FIXTURES, 'eks', 'audit-events.json'), 'utf8')) as Record<string, unknown>;
  if (!(name in events)) throw new Error(`no EKS audit fixture ${name}`);
  return JSON.stringify(events[name]);
}
