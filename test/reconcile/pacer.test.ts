import { Pacer } from '../../lambda/reconcile/trail-pages';

/**
 * The LookupEvents pacer on an injected clock: whatever the machine's speed, calls in one region
 * are let through at most `perSecond` a second, and a pause longer than the spacing costs nothing.
 */
function pacedClock() {
  let now = 1_000_000;
  const released: number[] = [];
  const sleep = async (ms: number) => { now += ms; };
  return { clock: () => now, sleep, advance: (ms: number) => { now += ms; }, released, mark: () => released.push(now) };
}

test('two a second: each call 500 ms after the one before, even when all are asked for at once', async () => {
  const c = pacedClock();
  const pacer = new Pacer(2, c.sleep, c.clock);
  for (let i = 0; i < 5; i++) { await pacer.wait(); c.mark(); }
  expect(c.released.map((t) => t - c.released[0])).toEqual([0, 500, 1000, 1500, 2000]);
});

test('a caller slower than the pace never waits', async () => {
  const c = pacedClock();
  const slept: number[] = [];
  const pacer = new Pacer(2, async (ms) => { slept.push(ms); await c.sleep(ms); }, c.clock);
  for (let i = 0; i < 3; i++) { await pacer.wait(); c.advance(800); }
  expect(slept).toEqual([]);
});

test('concurrent callers share the pace: their release times are 500 ms apart', async () => {
  const c = pacedClock();
  const pacer = new Pacer(2, async (ms) => { await Promise.resolve(); c.released.push(c.clock() + ms); }, c.clock);
  await Promise.all([pacer.wait(), pacer.wait(), pacer.wait()]);
  // The first goes at once (no sleep); the others are scheduled 500 and 1000 ms later.
  expect(c.released.map((t) => t - c.clock())).toEqual([500, 1000]);
});
