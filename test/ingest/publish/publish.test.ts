import type { PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { entryBytes, MAX_ENTRY_BYTES, PublishError, publishAlerts, subjectLine, toEntry, type PublishBatch } from '../../../lambda/ingest/publish/publish';
import { PublishedIds } from '../../../lambda/ingest/publish/published-ids';
import type { Alert } from '../../../lambda/shared/alert';

function alert(n: number, extra: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: `id-${n}`,
    kind: 'ssh',
    severity: 'medium',
    reasons: ['SSH login'],
    outcome: 'success',
    time: '2026-11-21T09:15:02.000Z',
    account: '123456789012',
    region: 'eu-west-1',
    user: 'deploy',
    sourceIp: '203.0.113.7',
    summary: `[MEDIUM] SSH login: deploy@web-${n} from 203.0.113.7 (publickey)`,
    origin: { logGroup: '/g', logStream: 'i-0abc123def4567890', message: 'raw line' },
    ...extra,
  };
}

/** A PublishBatch that records each call and fails the ids `fail` names, as often as it says. */
function recorder(fail: (id: string, call: number) => boolean = () => false) {
  const calls: PublishBatchRequestEntry[][] = [];
  const publish: PublishBatch = async (entries) => {
    calls.push(entries);
    const failed = entries.filter((e) => fail(e.Id!, calls.length));
    return {
      Successful: entries.filter((e) => !failed.includes(e)).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: failed.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false, Message: 'try again' })),
    };
  };
  return { calls, publish };
}
const noSleep = async () => {};

describe('publishAlerts', () => {
  test('25 alerts go out in calls of 10, 10 and 5', async () => {
    const { calls, publish } = recorder();
    await publishAlerts(publish, Array.from({ length: 25 }, (_, i) => alert(i)), { sleep: noSleep });
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
  });

  test('calls overlap, at most `concurrency` at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const publish: PublishBatch = async (entries) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: 'm' })) };
    };
    await publishAlerts(publish, Array.from({ length: 200 }, (_, i) => alert(i)), { sleep: noSleep, concurrency: 4 });
    expect(most).toBe(4);
  });

  test('large alerts are split so a call stays under 256 KiB', async () => {
    const { calls, publish } = recorder();
    const big = Array.from({ length: 10 }, (_, i) => alert(i, { origin: { logGroup: '/g', logStream: 's', message: 'x'.repeat(40_000) } }));
    await publishAlerts(publish, big, { sleep: noSleep });
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.reduce((sum, e) => sum + Buffer.byteLength(e.Message!), 0)).toBeLessThan(256 * 1024);
  });

  test('Failed entries are retried, and only they', async () => {
    const { calls, publish } = recorder((id, call) => id === 'alert-3' && call === 1);
    await publishAlerts(publish, Array.from({ length: 5 }, (_, i) => alert(i)), { sleep: noSleep });
    expect(calls.map((c) => c.map((e) => e.Id))).toEqual([['alert-0', 'alert-1', 'alert-2', 'alert-3', 'alert-4'], ['alert-3']]);
  });

  test('an entry that keeps failing throws after the other batches went out', async () => {
    const { calls, publish } = recorder((id) => id === 'alert-1');
    const run = publishAlerts(publish, Array.from({ length: 12 }, (_, i) => alert(i)), { sleep: noSleep, maxAttempts: 3, concurrency: 1 });
    await expect(run).rejects.toThrow(PublishError);
    await expect(run).rejects.toThrow('1 of 12 alerts not published: id-1 (InternalError: try again)');
    expect(calls.map((c) => c.length)).toEqual([10, 1, 1, 2]);
  });
});

describe('publishAlerts: retries publish each alert once', () => {
  test('a retried invocation in the same container publishes only what the first attempt could not', async () => {
    const published = new PublishedIds();
    const poisoned = new Set(['id-7']);
    const sent: string[] = [];
    const publish: PublishBatch = async (entries) => {
      const alertIds = entries.map((e) => JSON.parse(JSON.parse(e.Message!).default).id as string);
      const failed = entries.filter((_, i) => poisoned.has(alertIds[i]));
      sent.push(...alertIds.filter((id) => !poisoned.has(id)));
      return { Successful: [], Failed: failed.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })) };
    };
    const alerts = Array.from({ length: 200 }, (_, i) => alert(i));
    // Lambda's first attempt and two retries: each fails on the one poisoned alert.
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(publishAlerts(publish, alerts, { sleep: noSleep, published })).rejects.toThrow('1 of 200 alerts not published');
    }
    expect(sent).toHaveLength(199);
    expect(new Set(sent).size).toBe(199);
    // Once the cause is gone, the retry publishes the one alert left.
    poisoned.clear();
    await expect(publishAlerts(publish, alerts, { sleep: noSleep, published })).resolves.toEqual({ published: 1, skipped: 199 });
    expect(sent).toHaveLength(200);
  });

  test('a call that throws is retried entry by entry, so one bad entry does not hold back its batch', async () => {
    const calls: string[][] = [];
    const publish: PublishBatch = async (entries) => {
      const ids = entries.map((e) => JSON.parse(JSON.parse(e.Message!).default).id as string);
      calls.push(ids);
      if (ids.includes('id-3')) throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalErrorException' });
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: 'm' })) };
    };
    const run = publishAlerts(publish, Array.from({ length: 10 }, (_, i) => alert(i)), { sleep: noSleep, maxAttempts: 3 });
    await expect(run).rejects.toThrow('1 of 10 alerts not published: id-3 (InternalErrorException');
    const delivered = calls.filter((ids) => !ids.includes('id-3')).flat();
    expect(delivered.sort()).toEqual(['id-0', 'id-1', 'id-2', 'id-4', 'id-5', 'id-6', 'id-7', 'id-8', 'id-9']);
  });

  test('a sender fault is not retried within the invocation', async () => {
    const { calls, publish } = recorder();
    const failing: PublishBatch = async (entries) => ({ Failed: entries.map((e) => ({ Id: e.Id, Code: 'InvalidParameter', SenderFault: true, Message: 'bad' })) });
    await expect(publishAlerts(failing, [alert(1)], { sleep: noSleep })).rejects.toThrow('InvalidParameter');
    expect(calls).toHaveLength(0);
    void publish;
  });
});

describe('PublishedIds', () => {
  test('forgets the oldest beyond its size and anything older than its age', () => {
    let now = 0;
    const ids = new PublishedIds(2, 1000, () => now);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
    now = 1001;
    expect(ids.has('b')).toBe(false);
  });
});

describe('the SNS entry', () => {
  test('an alert whose raw line would exceed SNS\'s limit once escaped is cut until it fits', () => {
    // Control characters take 6 bytes in JSON, 7 once the alert JSON is nested in the message, 6 more in the email text.
    const line = '\u0001'.repeat(20 * 1024);
    const big = toEntry(alert(1, { origin: { logGroup: '/g', logStream: 's', message: line } }), 0);
    expect(entryBytes(big)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    const shrunk = JSON.parse(JSON.parse(big.Message!).default);
    expect(shrunk.origin.messageTruncated).toBe(true);
    expect(shrunk.origin.message.length).toBeGreaterThan(1000);
    expect(line.startsWith(shrunk.origin.message)).toBe(true);
  });

  const entry = toEntry(alert(1, { severity: 'high' }), 0);
  test('carries JSON for machines and prose for email', () => {
    expect(entry.MessageStructure).toBe('json');
    const message = JSON.parse(entry.Message!);
    expect(JSON.parse(message.default)).toEqual(alert(1, { severity: 'high' }));
    expect(message.email).toContain('[MEDIUM] SSH login: deploy@web-1');
    expect(message.email).toContain('raw line');
  });
  test('has the attributes filter policies select on', () => {
    expect(entry.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      kind: { DataType: 'String', StringValue: 'ssh' },
      outcome: { DataType: 'String', StringValue: 'success' },
      account: { DataType: 'String', StringValue: '123456789012' },
      suppressed: { DataType: 'String', StringValue: 'false' },
      repeat: { DataType: 'String', StringValue: 'false' },
    });
  });
  test('subjects are printable ASCII under 100 characters', () => {
    expect(subjectLine('SSH login: dëploy\n@web')).toBe('SSH login: d?ploy?@web');
    expect(subjectLine('x'.repeat(300))).toHaveLength(99);
  });
});

describe('publishAlerts: throttling', () => {
  test('a throttled call is retried whole, not split into ten calls that would feed the throttling', async () => {
    const calls: number[] = [];
    const publish: PublishBatch = async (entries) => {
      calls.push(entries.length);
      if (calls.length === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: 'm' })) };
    };
    await publishAlerts(publish, Array.from({ length: 10 }, (_, i) => alert(i)), { sleep: noSleep });
    expect(calls).toEqual([10, 10]);
  });
});
