import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Cursor, Page, TrailSource, Window } from './records';

/**
 * One page (50 events, CloudTrail's most) of an event name's history in one region with
 * LookupEvents. CloudTrail allows two LookupEvents calls per second per account and region: calls
 * are spaced by a pacer per region, and throttling past that is retried by the client with backoff.
 */
export async function readTrailPage(
  client: CloudTrailClient, module: typeof import('@aws-sdk/client-cloudtrail'),
  cursor: Cursor & { source: TrailSource }, window: Window,
): Promise<Page> {
  const { region, eventName } = cursor.source;
  const answer = await client.send(new module.LookupEventsCommand({
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
    StartTime: new Date(window.start),
    EndTime: new Date(window.end),
    MaxResults: 50,
    ...(cursor.nextToken && { NextToken: cursor.nextToken }),
  }));
  const records = (answer.Events ?? []).flatMap((event) => (event.EventId
    ? [{ kind: 'cloudtrail' as const, id: event.EventId, region, event: event.CloudTrailEvent ?? '' }]
    : []));
  return { records, ...(answer.NextToken && { nextToken: answer.NextToken }) };
}

/** Spaces calls to at most `perSecond` (per region: make one pacer per region). */
export class Pacer {
  private next = 0;
  constructor(
    private readonly perSecond: number,
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    private readonly now: () => number = Date.now,
  ) {}

  async wait(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await this.sleep(at - now);
  }
}
