import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isApiLogin } from '../lambda/ingest/parse/api-event';
import { LoginKind, LoginOutcome, Severity, SEVERITY_ORDER } from '../src/alert-types';
import { LOGIN_KINDS, LOGIN_OUTCOMES, SEVERITIES } from '../src/contract/alert-values';
import { SESSION_EVENT_NAMES, SESSION_EVENTS, SESSION_EVENTS_PATTERN } from '../src/contract/event-patterns';

/**
 * The contract (src/contract/) is what the jsii library, the functions and the published schema
 * must agree on. Each list is written once; these pin the places that cannot import it.
 */

const schema = JSON.parse(readFileSync(join(__dirname, '..', 'schema', 'alert.v1.json'), 'utf8'));

test('one severity list: the schema, the jsii enum and its order are the contract\'s', () => {
  expect(schema.properties.severity.enum).toEqual([...SEVERITIES]);
  expect(Object.values(Severity)).toEqual([...SEVERITIES]);
  expect(SEVERITY_ORDER).toEqual([...SEVERITIES]);
});

test('the kinds and outcomes: the schema and the jsii enums are the contract\'s', () => {
  expect(schema.properties.kind.examples).toEqual([...LOGIN_KINDS]);
  expect(Object.values(LoginKind)).toEqual([...LOGIN_KINDS]);
  expect(schema.properties.outcome.enum).toEqual([...LOGIN_OUTCOMES]);
  expect(Object.values(LoginOutcome)).toEqual([...LOGIN_OUTCOMES]);
});

test('one session-event-name list: what the rules match is exactly what the ingest function reads as a login', () => {
  const branches = (SESSION_EVENTS_PATTERN.detail as { $or: Array<{ eventSource: string[]; eventName: string[] }> }).$or;
  expect(branches.flatMap((b) => b.eventName)).toEqual([...SESSION_EVENT_NAMES]);
  for (const { eventSource: [eventSource], eventName: names } of branches) {
    for (const eventName of names) expect([eventSource, eventName, isApiLogin({ eventSource, eventName })]).toEqual([eventSource, eventName, true]);
  }
  // A name counts only with the service that records it as a way in.
  const sources = Object.keys(SESSION_EVENTS) as Array<keyof typeof SESSION_EVENTS>;
  for (const eventSource of sources) {
    for (const other of sources.filter((s) => s !== eventSource)) {
      for (const eventName of SESSION_EVENTS[other].filter((n) => !(SESSION_EVENTS[eventSource] as readonly string[]).includes(n))) {
        expect([eventSource, eventName, isApiLogin({ eventSource, eventName })]).toEqual([eventSource, eventName, false]);
      }
    }
  }
  for (const eventName of ['GetConsoleOutput', 'SendCommand', 'toString', 'constructor', 'hasOwnProperty']) {
    expect([eventName, isApiLogin({ eventSource: 'ssm.amazonaws.com', eventName })]).toEqual([eventName, false]);
  }
  expect(isApiLogin({ eventName: 'StartSession' })).toBe(false);
});
