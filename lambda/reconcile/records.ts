/**
 * What the reconciler re-reads, and where it stands in it. A source is one log group, or one
 * CloudTrail event name in one region (LookupEvents takes one lookup attribute per call); a cursor
 * is a source and the page to read next.
 */

export interface LogGroupSource {
  readonly kind: 'logs';
  readonly logGroup: string;
}

export interface TrailSource {
  readonly kind: 'cloudtrail';
  readonly region: string;
  readonly eventName: string;
}

export type Source = LogGroupSource | TrailSource;

export interface Cursor {
  readonly source: Source;
  /** The next page's token; absent for the first page. */
  readonly nextToken?: string;
}

/** A log event as FilterLogEvents returns it: its `id` is the one subscription deliveries carry. */
export interface LogRecord {
  readonly kind: 'logs';
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
  readonly logGroup: string;
  readonly logStream: string;
}

/** A CloudTrail event from event history: `id` is its eventID, `event` the record as JSON text. */
export interface TrailRecord {
  readonly kind: 'cloudtrail';
  readonly id: string;
  readonly region: string;
  readonly event: string;
}

export type SourceRecord = LogRecord | TrailRecord;

export interface Page {
  readonly records: SourceRecord[];
  /** Absent on the source's last page. */
  readonly nextToken?: string;
}

export interface Window {
  /** Epoch milliseconds, both inclusive. */
  readonly start: number;
  readonly end: number;
}

export function describeSource(source: Source): string {
  return source.kind === 'logs' ? `log group ${source.logGroup}` : `CloudTrail ${source.eventName} in ${source.region}`;
}
