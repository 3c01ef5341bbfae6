import { gzipSync } from 'node:zlib';
import { decodeEnvelope } from '../../../lambda/ingest/parse/envelope';
import { cloudTrailEvent, encodeLogs, logsDelivery, logsPayload } from '../../support/fixtures';

describe('decodeEnvelope', () => {
  test('a CloudWatch Logs delivery', () => {
    expect(decodeEnvelope(logsDelivery(['line one'], { logStream: 'i-0abc123def4567890' }))).toMatchObject({
      type: 'logs',
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/ec2/var/log/secure',
      logStream: 'i-0abc123def4567890',
      logEvents: [{ message: 'line one' }],
    });
  });

  test('an EventBridge event', () => {
    expect(decodeEnvelope(cloudTrailEvent('root-failure'))).toMatchObject({
      type: 'eventbridge', source: 'aws.signin', detailType: 'AWS Console Sign In via CloudTrail', account: '111122223333', region: 'us-east-1',
    });
  });

  test.each([
    ['null', null, 'expected an object, got null'],
    ['an array', [], 'expected an object, got an array'],
    ['an unknown shape', { Records: [] }, 'unknown event shape with keys [Records]'],
    ['data that is not a string', { awslogs: { data: 42 } }, 'awslogs.data is not a string'],
    ['empty data', { awslogs: { data: '' } }, 'awslogs.data is empty or not base64'],
    ['data that is not gzip', { awslogs: { data: Buffer.from('plain text').toString('base64') } }, 'awslogs.data is not gzip'],
    ['gzip that is not JSON', { awslogs: { data: gzipSync('{not json').toString('base64') } }, 'awslogs.data is not JSON'],
    ['a payload without logEvents', encodeLogs({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's' }), 'no logEvents array'],
    ['a log event without a message', encodeLogs({ ...logsPayload([]), logEvents: [{ id: '1', timestamp: 1 }] }), 'logEvents[0].message is not a string'],
    ['a log event with a string timestamp', encodeLogs({ ...logsPayload([]), logEvents: [{ id: '1', timestamp: '1', message: '' }] }), 'logEvents[0].timestamp is not a number'],
    ['an EventBridge event without id', { source: 'aws.signin', detail: {} }, 'EventBridge event has no id'],
  ])('rejects %s with the reason', (_, event, reason) => {
    expect(() => decodeEnvelope(event)).toThrow(reason);
    expect(() => decodeEnvelope(event)).toThrow(/^malformed event: /);
  });
});
