import { MemoryLedger } from '../../cli/memory-ledger';
import { historyKeys } from '../../lambda/ingest/ledger/history';
import type { Ledger } from '../../lambda/ingest/ledger/table';
import { refineAlerts, type PipelineLog } from '../../lambda/ingest/pipeline';
import { AlertRules } from '../../lambda/ingest/rules/rules';
import type { AlertSources } from '../../lambda/ingest/sources';
import { PeopleDirectory } from '../../lambda/shared/people';
import { LEDGER_UNAVAILABLE_LOG } from '../../src/contract/log-lines';
import { sshAlert } from '../support/alerts';

/**
 * The steps between parsing and publishing, in the one order the ingest function, the reconciler
 * and `replay` share: ledger, then people, then rules.
 */

const NOW = Date.parse('2026-11-21T09:05:00Z');
const DAY = 86_400_000;
const people = (entries: ConstructorParameters<typeof PeopleDirectory>[0]) => ({ load: async () => new PeopleDirectory(entries) });
const rules = (list: unknown[]) => ({ load: async () => AlertRules.parse(JSON.stringify({ rules: list })) });

function recordingLog() {
  const said: Array<{ level: string; message: string; attributes: Record<string, unknown> }> = [];
  const log: PipelineLog = {
    error: (message, attributes) => said.push({ level: 'error', message, attributes }),
    warn: (message, attributes) => said.push({ level: 'warn', message, attributes }),
  };
  return { log, said };
}

/** A ledger that has seen alice before, from somewhere else, `daysAgo` before NOW. */
async function ledgerKnowingAlice(daysAgo = 1): Promise<MemoryLedger> {
  const ledger = new MemoryLedger();
  const [, person] = historyKeys([sshAlert()]);
  await ledger.put([{ pk: person.pk, sk: 'person', lastSeen: NOW - daysAgo * DAY, expiresAt: 0 }]);
  return ledger;
}

test('rules see the person the directory found: a rule on the person matches a login only the directory names', async () => {
  const sources: AlertSources = {
    people: people([{ name: 'Alice Doe', unixUsers: ['alice'] }]),
    rules: rules([{ name: 'alice-on-call', action: 'suppress', match: { actors: ['Alice Doe'] } }]),
  };
  const { alerts } = await refineAlerts([sshAlert()], sources, { nowMs: NOW }, recordingLog().log);
  expect(alerts[0].actor).toMatchObject({ name: 'Alice Doe', via: 'directory' });
  expect(alerts[0].suppressed).toMatchObject({ rule: 'alice-on-call' });
});

test('rules come after the ledger: a new source raises the login, and a rule setting its severity has the last word', async () => {
  const raised = await refineAlerts([sshAlert()], { ledger: await ledgerKnowingAlice() }, { nowMs: NOW }, recordingLog().log);
  expect([raised.alerts[0].severity, raised.alerts[0].history]).toEqual(['high', { firstSeenSource: true }]);

  const sources = { ledger: await ledgerKnowingAlice(), rules: rules([{ name: 'lab', action: 'set', severity: 'low', match: { users: ['alice'] } }]) };
  const { alerts } = await refineAlerts([sshAlert()], sources, { nowMs: NOW }, recordingLog().log);
  expect([alerts[0].severity, alerts[0].history]).toEqual(['low', { firstSeenSource: true }]);
});

test('the ledger reckons from the clock it is given (replay passes the log\'s own time), not from today', async () => {
  // Alice was last seen 100 days before NOW: beyond 90 days of history by NOW, within them 20 days earlier.
  const atNow = await refineAlerts([sshAlert()], { ledger: await ledgerKnowingAlice(100) }, { nowMs: NOW }, recordingLog().log);
  expect(atNow.alerts[0].severity).toBe('medium');
  const earlier = await refineAlerts([sshAlert()], { ledger: await ledgerKnowingAlice(100) }, { nowMs: NOW - 20 * DAY }, recordingLog().log);
  expect(earlier.alerts[0].severity).toBe('high');
});

test('a ledger that cannot be read holds nothing back: the alert goes on, says why, and the log line the alarm counts is written', async () => {
  const broken: Ledger = {
    get: async () => { throw new Error('ProvisionedThroughputExceededException'); },
    put: async () => undefined,
    putIfUnchanged: async () => [],
  };
  const { log, said } = recordingLog();
  const sources = { ledger: broken, rules: rules([{ name: 'ci', action: 'lower', match: { users: ['alice'] } }]) };
  const { alerts, problems } = await refineAlerts([sshAlert()], sources, { nowMs: NOW }, log);
  expect(alerts).toHaveLength(1);
  expect(alerts[0].reasons.some((r) => r.startsWith('login ledger unavailable'))).toBe(true);
  expect(alerts[0].severity).toBe('low');
  expect(problems).toEqual({ ledger: true, rules: false });
  expect(said).toEqual([{ level: 'error', message: LEDGER_UNAVAILABLE_LOG, attributes: expect.objectContaining({ reason: expect.stringContaining('ProvisionedThroughput') }) }]);
});
