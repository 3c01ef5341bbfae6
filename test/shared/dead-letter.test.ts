import { deadLetterBody, MAX_DEAD_LETTER_BYTES } from '../../lambda/shared/dead-letter';

/** What goes into a dead-letter queue always fits SQS's 256 KiB, measured in bytes of the finished body. */
describe('deadLetterBody', () => {
  const letter = (message: string) => ({ destination: 'slack', reason: 'HTTP 400: invalid_blocks', alertId: 'a-1', record: { Sns: { Message: message } } });

  test.each([
    ['quotes (escaped twice over)', '"'.repeat(200_000)],
    ['backslashes', '\\'.repeat(200_000)],
    ['control characters (6 bytes each in JSON)', '\u0001'.repeat(100_000)],
    ['three-byte characters', '€'.repeat(120_000)],
    ['emoji (surrogate pairs)', '🔑'.repeat(80_000)],
  ])('a large record of %s is cut to fit, as valid JSON', (_, message) => {
    const body = deadLetterBody(letter(message));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed).toMatchObject({ destination: 'slack', reason: 'HTTP 400: invalid_blocks', alertId: 'a-1', recordTruncated: true });
    // What is kept is the start of the record's JSON, so an operator can still read what it was.
    expect(JSON.stringify(letter(message).record).startsWith(parsed.record)).toBe(true);
    expect(parsed.record.length).toBeGreaterThan(10_000);
  });

  test('a small record is kept whole, as an object', () => {
    expect(JSON.parse(deadLetterBody(letter('hi'))).record).toEqual({ Sns: { Message: 'hi' } });
  });

  test('redaction applies to the reason, the response body and the record', () => {
    const body = deadLetterBody({ ...letter('token xoxb-secret in a record'), reason: 'bad xoxb-secret', responseBody: 'echo xoxb-secret' }, (t) => t.split('xoxb-secret').join('[redacted]'));
    expect(body).not.toContain('xoxb-secret');
    expect(body.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
