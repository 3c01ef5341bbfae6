import { applyConsoleSessions, consoleItems, consoleKeys } from '../../../lambda/ingest/ledger/console-sessions';
import type { LedgerItem } from '../../../lambda/ingest/ledger/items';
import type { Alert } from '../../../lambda/shared/alert';

/** A role switch and the console sign-in it came from, through the ledger's answers (no AWS). */

const ALICE = 'arn:aws:iam::111122223333:user/alice';

function alert(extra: Partial<Alert>): Alert {
  return {
    schemaVersion: 1,
    id: 'x',
    kind: 'console',
    severity: 'low',
    reasons: ['console sign-in'],
    outcome: 'success',
    time: '2026-11-20T09:00:00.000Z',
    account: '111122223333',
    region: 'us-east-1',
    user: 'alice',
    summary: 's',
    origin: { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventId: 'x' },
    ...extra,
  } as Alert;
}
const signIn = (time: string, id = 'sign-in-1') => alert({ id, time, principal: { arn: ALICE, type: 'IAMUser' } });
const switchAt = (time: string) => alert({
  id: 'switch-1', kind: 'switch-role', time, principal: { arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', type: 'AssumedRole' }, signIn: { switchFrom: ALICE },
});
function answers(items: LedgerItem[]): Map<string, LedgerItem> {
  return new Map(items.map((i) => [i.pk, i]));
}

test('a switch reads the session of its SwitchFrom and names that sign-in', () => {
  const found = answers(consoleItems([signIn('2026-11-20T09:00:00Z')]));
  expect(consoleKeys([switchAt('2026-11-20T09:30:00Z')]).map((k) => k.pk)).toEqual([...found.keys()]);
  const [linked] = applyConsoleSessions([switchAt('2026-11-20T09:30:00Z')], found);
  expect(linked.relatedAlertIds).toEqual(['sign-in-1']);
  expect(linked.reasons).toContain('switched from the console session of alert sign-in-1');
});

test('a sign-in older than the longest console session, or after the switch, is not the one it came from', () => {
  const old = answers(consoleItems([signIn('2026-11-19T21:00:00Z')]));
  expect(applyConsoleSessions([switchAt('2026-11-20T09:00:01Z')], old)[0].relatedAlertIds).toBeUndefined();
  expect(applyConsoleSessions([switchAt('2026-11-20T08:59:59Z')], old)[0].relatedAlertIds).toEqual(['sign-in-1']);
  const later = answers(consoleItems([signIn('2026-11-20T10:00:00Z')]));
  expect(applyConsoleSessions([switchAt('2026-11-20T09:30:00Z')], later)[0].relatedAlertIds).toBeUndefined();
});

test('a failed sign-in opens no session, and a switch is written as a session of the role it became', () => {
  expect(consoleItems([alert({ outcome: 'failure', principal: { arn: ALICE, type: 'IAMUser' } })])).toEqual([]);
  const [item] = consoleItems([switchAt('2026-11-20T09:30:00Z')]);
  expect(item).toMatchObject({ sk: 'console', alertId: 'switch-1', expiresAt: Date.parse('2026-11-20T21:30:00Z') / 1000 });
});
