import type { LedgerItem } from '../../../lambda/ingest/ledger/items';
import { publishedItems } from '../../../lambda/ingest/ledger/published';
import { applyLedger } from '../../../lambda/ingest/ledger/step';
import type { ConditionalWrite, Ledger } from '../../../lambda/ingest/ledger/table';
import { LEDGER_BATCH_WRITE_PREFIXES } from '../../../src/private/login-ledger';
import { fixtureAlerts, sshAlert } from '../../support/alerts';

/**
 * The ingest and reconcile roles may batch-write only keys with the prefixes their IAM statement
 * names (`dynamodb:LeadingKeys`), and write conditionally only `repeat#` from ingest. Every key the
 * ledger step and the published records write is checked against them, with keys DynamoDB accepts.
 */
function recordingLedger() {
  const put: LedgerItem[] = [];
  const conditional: ConditionalWrite[] = [];
  const ledger: Ledger = {
    get: async () => new Map(),
    put: async (items) => { put.push(...items); },
    putIfUnchanged: async (writes) => { conditional.push(...writes); return []; },
  };
  return { ledger, put, conditional };
}

test('every key the ingest function writes is one its role may write, and small whatever the line held', async () => {
  const { ledger, put, conditional } = recordingLedger();
  const long = sshAlert({ id: 'long', keyFingerprint: `SHA256:${'€'.repeat(1000)}`, user: '€'.repeat(1000) });
  const push = sshAlert({ id: 'push', kind: 'instance-connect', user: 'unknown', keyFingerprint: 'SHA256:pushed' });
  const alerts = [...await fixtureAlerts(), long, push];
  await applyLedger(alerts, ledger, Date.parse('2026-11-21T10:00:00Z'));
  put.push(...publishedItems(alerts.map((a) => a.id), Date.parse('2026-11-21T10:00:00Z'), 'ingest'));
  expect(put.length).toBeGreaterThan(alerts.length);
  expect(new Set(put.map((i) => i.sk))).toEqual(new Set(['login', 'push', 'source', 'person', 'alert', 'console']));
  for (const item of put) expect(LEDGER_BATCH_WRITE_PREFIXES.some((p) => item.pk.startsWith(p))).toBe(true);
  expect(conditional.length).toBeGreaterThan(0);
  for (const write of conditional) expect(write.item.pk.startsWith('repeat#')).toBe(true);
  for (const key of [...put.map((i) => i.pk), ...conditional.map((w) => w.item.pk)]) expect(Buffer.byteLength(key)).toBeLessThan(64);
});
