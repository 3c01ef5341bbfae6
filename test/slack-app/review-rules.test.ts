import type { SQSClient } from '@aws-sdk/client-sqs';
import { parseButtonPress, PayloadError } from '../../lambda/slack-app/button-payload';
import { escalationAlert } from '../../lambda/slack-app/escalation';
import { handleReminder, type ReminderDeps } from '../../lambda/slack-app/reminders';
import { asksForReview } from '../../lambda/slack-app/review-policy';
import { parseReviewQueueMessage, retryDelayMs, reviewQueueSender } from '../../lambda/slack-app/review-queue';
import { sshAlert } from '../support/alerts';
import { alertSchemaErrors } from '../support/schema';
import { buttonPayload } from '../support/slack-requests';

/** The review loop's rules, as pure functions: what asks, what a press says, how long waits travel. */

const defaults = { minSeverity: 'medium' as const, failures: false };

test.each([
  ['a successful medium login', {}, true],
  ['a high one', { severity: 'high' as const }, true],
  ['a low one', { severity: 'low' as const }, false],
  ['a failed sign-in', { outcome: 'failure' as const, kind: 'console' as const }, false],
  ['one a rule suppressed', { suppressed: { rule: 'bastion' }, severity: 'info' as const }, false],
  ['a repeat', { repeat: { of: 'l0', count: 2 } }, false],
  ['an escalation', { kind: 'escalation' as const, severity: 'critical' as const, escalation: { loginAlertId: 'l0', reason: 'disputed' as const } }, false],
])('asks for review by default: %s → %s', (_what, overrides, asks) => {
  expect(asksForReview(sshAlert(overrides), defaults)).toBe(asks);
});

test('failures ask too when configured; the review severity is configurable', () => {
  expect(asksForReview(sshAlert({ outcome: 'failure' }), { ...defaults, failures: true })).toBe(true);
  expect(asksForReview(sshAlert({ severity: 'low' }), { ...defaults, minSeverity: 'low' })).toBe(true);
  expect(asksForReview(sshAlert({ severity: 'medium' }), { ...defaults, minSeverity: 'high' })).toBe(false);
});

test('a button press is read from Slack\'s block_actions payload; anything else is refused with the reason', () => {
  expect(parseButtonPress(buttonPayload({ alertId: 'l1', userId: 'U0ALICE1', answer: 'dispute', channelId: 'D0ALICE1' })))
    .toEqual({ answer: 'dispute', alertId: 'l1', userId: 'U0ALICE1', channelId: 'D0ALICE1' });
  expect(() => parseButtonPress('text=hello')).toThrow(new PayloadError('no payload form field'));
  expect(() => parseButtonPress('payload=%5B1%5D')).toThrow(/not a block_actions payload/);
  const foreign = { type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'someone_elses_button', value: 'x' }] };
  expect(() => parseButtonPress(`payload=${encodeURIComponent(JSON.stringify(foreign))}`)).toThrow(/not a login review button \(someone_elses_button\)/);
  const anonymous = { type: 'block_actions', actions: [{ action_id: 'login_alert_confirm', value: 'x' }] };
  expect(() => parseButtonPress(`payload=${encodeURIComponent(JSON.stringify(anonymous))}`)).toThrow(/names no user/);
});

test('an escalation carries the login\'s fields, a stable id, and is a valid v1 alert', () => {
  const login = sshAlert({ repeat: undefined, actor: { name: 'Alice Doe', via: 'key-owner' } });
  const escalation = escalationAlert(login, 'disputed', { by: 'U0BOB123' });
  expect(escalation).toMatchObject({
    id: 'escalation-disputed-l1',
    kind: 'escalation',
    severity: 'critical',
    user: login.user,
    host: login.host,
    actor: login.actor,
    origin: login.origin,
    escalation: { loginAlertId: 'l1', reason: 'disputed', by: 'U0BOB123' },
  });
  expect(escalation.reasons[0]).toBe('escalated: Slack user U0BOB123 said it was not them');
  expect(escalationAlert(login, 'disputed', { by: 'U0BOB123' }).id).toBe(escalation.id);
  expect(alertSchemaErrors(escalationAlert(login, 'disputed', { by: 'U0BOB123', byRole: 'other' }))).toEqual([]);
  expect(escalationAlert(login, 'unanswered', { reminders: 2 }).reasons[0]).toBe('escalated: nobody confirmed it after 2 reminder(s)');
  expect(alertSchemaErrors(escalation)).toEqual([]);
});

test.each([
  ['asked', 'escalated: the person asked (Slack user U0BOB123) said it was not them'],
  ['approver', 'escalated: an approver (Slack user U0BOB123), not the person asked, said it was not them'],
  ['other', 'escalated: Slack user U0BOB123, neither the person asked nor an approver, said it was not them'],
] as const)('a dispute by %s says who pressed and what they are to the login', (byRole, reason) => {
  const escalation = escalationAlert(sshAlert(), 'disputed', { by: 'U0BOB123', byRole });
  expect(escalation.reasons[0]).toBe(reason);
  expect(escalation.escalation).toEqual({ loginAlertId: 'l1', reason: 'disputed', by: 'U0BOB123', byRole });
});

test('a step that failed is tried again later and later, never given up, at most 5 minutes apart', () => {
  expect([1, 2, 3, 4, 5, 6, 20].map((attempt) => retryDelayMs(attempt, 30) / 1000)).toEqual([30, 60, 120, 240, 300, 300, 300]);
});

test('review queue messages are read strictly: anything else goes to the dead-letter queue with the reason', () => {
  const press = { answer: 'dispute', alertId: 'l1', userId: 'U0ALICE1' };
  expect(parseReviewQueueMessage(JSON.stringify({ type: 'login-review-answer', press, pressedAt: 1 }))).toMatchObject({ press });
  expect(() => parseReviewQueueMessage(JSON.stringify({ type: 'login-review-answer', press: { ...press, answer: 'approve' }, pressedAt: 1 }))).toThrow(/not a login review message \(login-review-answer\)/);
  expect(() => parseReviewQueueMessage(JSON.stringify({ type: 'login-review-sync', alertId: 'l1', dueAt: 1 }))).toThrow(/not a login review message/);
  expect(() => parseReviewQueueMessage('{"type":7}')).toThrow(/not a login review message \(number\)/);
});

test('a wait longer than SQS\'s 15-minute delay travels as a chain: each hop delayed at most 900 s, re-sent while not due', async () => {
  const sent: Array<{ DelaySeconds?: number; MessageBody?: string }> = [];
  const send = async (command: { input: { DelaySeconds?: number; MessageBody?: string } }) => { sent.push(command.input); };
  const client = { send } as unknown as SQSClient;
  let now = 0;
  const schedule = reviewQueueSender(client, 'https://sqs/reminders', () => now);
  const message = { type: 'login-review-reminder' as const, alertId: 'l1', reminder: 1, dueAt: 40 * 60_000 };
  await schedule(message);
  expect(sent.map((m) => m.DelaySeconds)).toEqual([900]);

  now = 15 * 60_000;
  const config = { review: { reminders: 2, reminderWaitSeconds: 2400 } };
  const deps = { now: () => now, enqueue: schedule, config } as unknown as ReminderDeps;
  expect(await handleReminder(message, deps)).toBe('not-due');
  now = 30 * 60_000;
  expect(await handleReminder(message, deps)).toBe('not-due');
  expect(sent.map((m) => m.DelaySeconds)).toEqual([900, 900, 600]);
  expect(sent.every((m) => JSON.parse(m.MessageBody!).dueAt === message.dueAt)).toBe(true);
});
