import { deliverWithinBudget, outcomeOfStatus, type DeliveryOutcome } from '../../lambda/shared/delivery';

describe('outcomeOfStatus', () => {
  test.each([
    [200, 'delivered'], [202, 'delivered'], [429, 'rate-limited'], [500, 'transient'], [503, 'transient'], [408, 'transient'],
    [400, 'permanent'], [403, 'permanent'], [404, 'permanent'], [410, 'permanent'],
  ])('HTTP %i is %s', (status, kind) => {
    expect(outcomeOfStatus(status, 'body', null).kind).toBe(kind);
  });

  test('Retry-After in seconds, as an HTTP date, or missing', () => {
    expect(outcomeOfStatus(429, '', '3')).toMatchObject({ retryAfterMs: 3000 });
    expect(outcomeOfStatus(429, '', null)).toMatchObject({ retryAfterMs: 1000 });
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect((outcomeOfStatus(429, '', inFive) as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3000);
  });

  test('a permanent refusal keeps the receiver\'s error text', () => {
    expect(outcomeOfStatus(404, 'channel_not_found', null)).toEqual({ kind: 'permanent', statusCode: 404, body: 'channel_not_found', reason: 'HTTP 404: channel_not_found' });
  });
});

describe('deliverWithinBudget', () => {
  const rateLimited = (ms: number): DeliveryOutcome => ({ kind: 'rate-limited', retryAfterMs: ms, reason: 'HTTP 429' });

  test('waits out Retry-After and tries again while the time allows', async () => {
    const outcomes = [rateLimited(2000), rateLimited(2000), { kind: 'delivered' } as DeliveryOutcome];
    const waits: number[] = [];
    const sleep = async (ms: number) => { waits.push(ms); };
    const outcome = await deliverWithinBudget(async () => outcomes.shift()!, { remainingMs: () => 50_000, attemptMs: 10_000, sleep });
    expect(outcome).toEqual({ kind: 'delivered' });
    expect(waits).toEqual([2000, 2000]);
  });

  test('gives up (for Lambda to retry later) when the wait would not fit', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => { waits.push(ms); };
    const outcome = await deliverWithinBudget(async () => rateLimited(30_000), { remainingMs: () => 35_000, attemptMs: 10_000, sleep });
    expect(outcome.kind).toBe('rate-limited');
    expect(waits).toEqual([]);
  });
});
