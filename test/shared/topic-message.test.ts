import { readSnsEvent } from '../../lambda/shared/topic-message';
import { alarmMessage, fixtureAlerts, snsEvent } from '../support/alerts';

describe('readSnsEvent', () => {
  test('an alert', async () => {
    const [alert] = await fixtureAlerts();
    const [record] = readSnsEvent(snsEvent(JSON.stringify(alert)));
    expect(record.message).toEqual({ type: 'alert', messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', alert });
  });

  test('a CloudWatch alarm notification', () => {
    const [record] = readSnsEvent(snsEvent(alarmMessage('ALARM')));
    expect(record.message).toMatchObject({ type: 'alarm', alarm: { alarmName: 'LoginAlerts-SlackDeadLetters', newState: 'ALARM', oldState: 'OK', account: '123456789012' } });
  });

  test.each([
    ['not JSON', 'hello', 'Sns.Message is not JSON'],
    ['a JSON array', '[]', 'Sns.Message is not a JSON object'],
    ['another schema version', JSON.stringify({ schemaVersion: 2 }), 'unsupported schemaVersion 2'],
    ['a missing id', JSON.stringify({ schemaVersion: 1 }), 'alert field id is not a string'],
    ['an unknown severity', JSON.stringify({ schemaVersion: 1, id: 'i', kind: 'ssh', outcome: 'success', time: 't', account: 'a', region: 'r', user: 'u', summary: 's', severity: 'urgent' }), 'alert severity "urgent" is not one of'],
  ])('%s is a malformed record with its reason, not an exception', (_, message, reason) => {
    const [record] = readSnsEvent(snsEvent(message));
    expect(record.message).toBeUndefined();
    expect(record.error?.message).toContain(reason);
    expect(record.raw).toEqual(snsEvent(message).Records[0]);
  });

  test('an event without Records is rejected', () => {
    expect(() => readSnsEvent({})).toThrow('malformed topic message: the event has no Records array');
  });
});
