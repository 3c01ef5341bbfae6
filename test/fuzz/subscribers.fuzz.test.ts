import fc from 'fast-check';
import { alarmEvent, alertEvent } from '../../lambda/pagerduty/event';
import type { Alert } from '../../lambda/shared/alert';
import { DEFAULT_MENTIONS, DEFAULT_TAG_KEYS, LIMITS, renderAlarm, renderAlert } from '../../lambda/shared/slack/render';
import { readSnsEvent } from '../../lambda/shared/topic-message';
import { fixtureAlerts, snsEvent } from '../support/alerts';

/**
 * Hostile input for the Slack and PagerDuty functions: malformed SNS events and messages end as a
 * clear MalformedMessageError per record (which the function sends to its dead-letter queue);
 * well-formed alerts full of mrkdwn control characters never produce a mention or a link.
 */

let alerts: Alert[];
beforeAll(async () => { alerts = await fixtureAlerts(); });

const options = { mentions: DEFAULT_MENTIONS, tagKeys: DEFAULT_TAG_KEYS };
const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '|', '^', '`', '*', '_', '~', ':', '/', 'h', 't', 'p', 's', 'a', ' ', '\n'), maxLength: 120 }),
  fc.constantFrom('<!channel>', '<!here>', '<!everyone>', '<@U024BE7LH>', '<#C024BE7LR>', '<!subteam^SAZ94GDB8>', '<https://evil.example|click here>', '<mailto:a@b.c|x>', '&lt;!channel&gt;'),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ maxLength: 5000 }),
  // Spoofing: new lines, formatting, bidirectional overrides, zero-width and other control characters.
  fc.string({ unit: fc.constantFrom('\n', '\r', '\u2028', '\u0085', '\v', '*', '_', '~', '`', '>', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u0000', '\u001b', '\u00ad', 'L', 'O', 'W', ':', ' '), maxLength: 60 }),
  fc.constantFrom('web-1\n*Severity*\nLOW: routine, no action needed', 'x\u202eevil.exe', '_italic_ *bold* ~strike~ `code`', '\n> quoted'),
);

/** Text outside code spans, where mrkdwn formatting applies. */
function outsideCode(text: string): string {
  return text.replace(/`[^`]*`/g, '');
}

/** What could change layout or formatting: line breaks, formatting characters, `_` at a word boundary. */
function layoutMarks(text: string) {
  const outside = outsideCode(text);
  return {
    lines: text.split('\n').length,
    formatting: (outside.match(/[*~`]/g) ?? []).length,
    boundaryUnderscores: (outside.match(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu) ?? []).length,
  };
}

/** The mrkdwn strings of a payload with our own trusted tokens (date, configured mention) removed. */
function untrustedMrkdwn(payload: any, mention?: string): string[] {
  const texts: string[] = [mention ? payload.text.replace(mention, '') : payload.text];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (node.type === 'mrkdwn') texts.push(node.text);
      Object.values(node).forEach(walk);
    }
  };
  walk(payload.attachments);
  return texts.map((t) => t.replace(/<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[0-9TZ:.-]+>/g, ''));
}

describe('subscriber fuzzing', () => {
  test('malformed SNS events and messages: a clear error per record, never a crash', () => {
    const message = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.anything().map((v) => JSON.stringify({ schemaVersion: 1, ...(typeof v === 'object' && v !== null ? v : { v }) })));
    fc.assert(fc.property(message, (m) => {
      const [record] = readSnsEvent(snsEvent(m as string));
      if (record.error) expect(record.error.message).toMatch(/^malformed topic message: .+/);
      else expect(['alert', 'alarm']).toContain(record.message!.type);
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.anything(), (event) => {
      try {
        readSnsEvent(event);
      } catch (error) {
        expect((error as Error).message).toMatch(/^malformed topic message: /);
      }
    }), { numRuns: 1000 });
  });

  test('alerts whose fields are hostile text render within limits with no mention or link', () => {
    fc.assert(fc.property(fc.nat(), hostileText, hostileText, hostileText, hostileText, hostileText, (pick, userName, hostname, tag, ip, reason) => {
      const base = alerts[pick % alerts.length];
      const alert = {
        ...base,
        user: userName,
        sourceIp: ip,
        reasons: [reason],
        summary: `${userName}@${hostname}`,
        principal: { type: 'IAMUser', arn: userName },
        host: { hostname, name: hostname, instanceId: tag, tags: { env: tag, Team: userName } },
      } as Alert;
      const payload: any = renderAlert(alert, options);
      const mention = DEFAULT_MENTIONS[alert.severity];
      const texts = untrustedMrkdwn(payload, mention);
      for (const text of texts) {
        expect(text).not.toMatch(/<[!@#]|<(https?|mailto):/);
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[<>&]/);
        // Nothing invisible or reordering survives: only our own line breaks remain.
        expect(text).not.toMatch(/[\p{Cf}\u2028\u2029]|(?!\n)\p{Cc}/u);
      }
      // The same alert with harmless values has exactly the same lines and formatting marks:
      // hostile values added no line, no bold, no strike, no code span, no italics.
      // (Empty stays empty: an empty value legitimately leaves a field out.)
      const x = (v: string) => (v === '' ? '' : 'x');
      const benign = {
        ...alert,
        user: x(userName),
        sourceIp: x(ip),
        reasons: [x(reason)],
        summary: `${x(userName)}@${x(hostname)}`,
        principal: { type: 'IAMUser', arn: x(userName) },
        host: { hostname: x(hostname), name: x(hostname), instanceId: x(tag), tags: { env: x(tag), Team: x(userName) } },
      } as Alert;
      expect(texts.map(layoutMarks)).toEqual(untrustedMrkdwn(renderAlert(benign, options), mention).map(layoutMarks));
      expect(payload.attachments[0].blocks[0].text.text).not.toMatch(/[\n\r\u2028\p{Cf}]/u);
      expect(payload.text.length).toBeLessThanOrEqual(LIMITS.text);
      const blocks = payload.attachments[0].blocks;
      expect(blocks[0].text.text.length).toBeLessThanOrEqual(LIMITS.header);
      for (const field of blocks[1].fields) expect(field.text.length).toBeLessThanOrEqual(LIMITS.field);
      for (const block of blocks.slice(2)) expect(block.elements[0].text.length).toBeLessThanOrEqual(LIMITS.context);
      const event = alertEvent(alert, 'k');
      expect(event.payload!.summary.length).toBeLessThanOrEqual(1024);
      expect(event.dedup_key.length).toBeLessThanOrEqual(255);
    }), { numRuns: 3000 });
  });

  test('hostile alarm names and reasons never mention or link either', () => {
    fc.assert(fc.property(hostileText, hostileText, fc.constantFrom('ALARM', 'OK', 'INSUFFICIENT_DATA'), (alarmName, reason, newState) => {
      const payload: any = renderAlarm({ alarmName, reason, newState, description: reason });
      for (const text of untrustedMrkdwn(payload, newState === 'ALARM' ? '<!here>' : undefined)) {
        expect(text).not.toMatch(/<[!@#]|<(https?|mailto):/);
      }
      expect(alarmEvent({ alarmName, newState, reason }, 'k').dedup_key.length).toBeLessThanOrEqual(255);
    }), { numRuns: 1000 });
  });
});
