import { alarmEvent, alertEvent } from '../../lambda/pagerduty/event';
import type { Alert } from '../../lambda/shared/alert';
import { fixtureAlerts } from '../support/alerts';

let alerts: Alert[];
beforeAll(async () => { alerts = await fixtureAlerts(); });
const find = (predicate: (a: Alert) => boolean) => alerts.find(predicate)!;

describe('PagerDuty events', () => {
  test('an SSH alert triggers an event deduplicated on the alert id, with the host as source', () => {
    const alert = find((a) => a.kind === 'ssh' && a.user === 'root');
    expect(alertEvent(alert, 'R0UT1NGKEY')).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: alert.id,
      client: 'cdk-login-alerts',
      payload: {
        summary: alert.summary,
        source: 'web-1',
        severity: 'error',
        timestamp: alert.time,
        component: 'web-1',
        group: '123456789012/eu-west-1',
        class: 'ssh-login-success',
        custom_details: alert,
      },
    });
  });

  test('a located login says where in the summary, in plain text; a private one does not', () => {
    const alert = find((a) => a.kind === 'ssh' && a.user === 'root');
    const geo = { network: 'public' as const, country: 'DE', countryName: 'Germany', asn: 3320, asOrg: 'Deutsche Telekom AG' };
    expect(alertEvent({ ...alert, geo }, 'R').payload!.summary).toBe(`${alert.summary} (Germany (DE), AS3320 Deutsche Telekom AG)`);
    expect(alertEvent({ ...alert, geo: { network: 'private' } }, 'R').payload!.summary).toBe(alert.summary);
  });

  test('an empty Name tag or hostname never makes an empty source (PagerDuty requires one)', () => {
    const alert = find((a) => a.kind === 'ssh' && a.user === 'root');
    expect(alertEvent({ ...alert, host: { name: '', hostname: ' ', instanceId: 'i-0abc' } }, 'k').payload!.source).toBe('i-0abc');
    expect(alertEvent({ ...alert, host: { name: '' } }, 'k').payload).toMatchObject({ source: 'aws-account-123456789012', component: 'ssh' });
    expect(alertEvent({ ...alert, host: { name: '' }, account: '' }, 'k').payload!.source).toBe('cdk-login-alerts');
  });

  test('a console alert has the account as source', () => {
    const alert = find((a) => a.kind === 'console' && a.severity === 'critical');
    expect(alertEvent(alert, 'k').payload).toMatchObject({ source: 'aws-account-111122223333', severity: 'critical', component: 'aws-console', class: 'console-login-success' });
  });

  test.each([['critical', 'critical'], ['high', 'error'], ['medium', 'warning'], ['low', 'info'], ['info', 'info']])('severity %s maps to %s', (ours, theirs) => {
    expect(alertEvent({ ...alerts[0], severity: ours as Alert['severity'] }, 'k').payload!.severity).toBe(theirs);
  });

  test('the summary is cut to 1024 characters and a long id hashed to a stable key under 255', () => {
    const event = alertEvent({ ...alerts[0], summary: 'x'.repeat(5000), id: 'y'.repeat(300) }, 'k');
    expect(event.payload!.summary).toHaveLength(1024);
    expect(event.dedup_key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(alertEvent({ ...alerts[0], id: 'y'.repeat(300) }, 'k').dedup_key).toBe(event.dedup_key);
  });

  test('a pipeline alarm triggers, and its OK resolves the same incident', () => {
    const firing = alarmEvent({ alarmName: 'SlackDeadLetters', newState: 'ALARM', account: '123456789012', region: 'eu-west-1', reason: 'Threshold Crossed' }, 'k');
    const ok = alarmEvent({ alarmName: 'SlackDeadLetters', newState: 'OK', account: '123456789012', region: 'eu-west-1' }, 'k');
    expect(firing).toMatchObject({ event_action: 'trigger', payload: { severity: 'error', summary: 'Login alerting pipeline degraded: SlackDeadLetters is ALARM (Threshold Crossed)' } });
    expect(ok).toEqual({ routing_key: 'k', event_action: 'resolve', dedup_key: firing.dedup_key, client: 'cdk-login-alerts' });
  });
});
