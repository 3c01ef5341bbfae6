import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for CloudTrail's LookupEvents (moto 5 has CloudTrail trails but no event
 * history), over HTTP with the SDK's JSON 1.1 protocol: point a client at it with
 * `AWS_ENDPOINT_URL_CLOUDTRAIL`. Events are kept per region (read from the request's SigV4
 * credential scope, as the real per-region endpoints would separate them) and answered newest
 * first, 50 at most a page, by `EventName` and time range, as CloudTrail documents. It records every
 * call (region, event name, time) and can deny a region or throttle calls.
 */
export interface TrailCall {
  readonly region: string;
  readonly eventName?: string;
  readonly at: number;
  readonly answer: 'ok' | 'denied' | 'throttled';
}

export class CloudTrailFake {
  static async start(): Promise<CloudTrailFake> {
    const fake = new CloudTrailFake();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  readonly calls: TrailCall[] = [];
  /** Regions answered with AccessDeniedException (an SCP, a missing permission there). */
  readonly deniedRegions = new Set<string>();
  /** The next this many calls are answered with ThrottlingException. */
  throttleNext = 0;
  private readonly events = new Map<string, Array<{ time: number; name: string; id: string; source: string; json: string }>>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const region = /Credential=[^/]+\/\d+\/([^/]+)\/cloudtrail\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
        const target = String(req.headers['x-amz-target'] ?? '');
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(payload));
        };
        if (!target.endsWith('.LookupEvents')) return send(400, { __type: 'UnsupportedOperationException', message: `${target} is not faked` });
        const input = JSON.parse(body || '{}');
        const attribute = input.LookupAttributes?.[0];
        const eventName = attribute?.AttributeKey === 'EventName' ? attribute.AttributeValue : undefined;
        const call = (answer: TrailCall['answer']) => this.calls.push({ region, eventName, at: Date.now(), answer });
        if (this.deniedRegions.has(region)) {
          call('denied');
          return send(400, { __type: 'AccessDeniedException', message: `User is not authorized to perform: cloudtrail:LookupEvents in ${region}` });
        }
        if (this.throttleNext > 0) {
          this.throttleNext--;
          call('throttled');
          return send(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
        }
        call('ok');
        const start = input.StartTime === undefined ? -Infinity : Number(input.StartTime) * 1000;
        const end = input.EndTime === undefined ? Infinity : Number(input.EndTime) * 1000;
        const matching = (this.events.get(region) ?? [])
          .filter((e) => (eventName === undefined || e.name === eventName) && e.time >= start && e.time <= end)
          .sort((a, b) => b.time - a.time);
        const offset = input.NextToken ? Number(input.NextToken) : 0;
        const size = Math.min(input.MaxResults ?? 50, 50);
        const page = matching.slice(offset, offset + size);
        send(200, {
          Events: page.map((e) => ({ EventId: e.id, EventName: e.name, EventSource: e.source, EventTime: e.time / 1000, CloudTrailEvent: e.json })),
          ...(offset + size < matching.length && { NextToken: String(offset + size) }),
        });
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Records a CloudTrail event in a region's history; `json` replaces the record's text (a malformed one). */
  add(region: string, record: { eventID: string; eventName: string; eventSource: string; eventTime: string }, json?: string): void {
    const list = this.events.get(region) ?? [];
    const time = Date.parse(record.eventTime);
    list.push({ time, name: record.eventName, id: record.eventID, source: record.eventSource, json: json ?? JSON.stringify(record) });
    this.events.set(region, list);
  }

  reset(): void {
    this.events.clear();
    this.calls.length = 0;
    this.deniedRegions.clear();
    this.throttleNext = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
