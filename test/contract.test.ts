import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isApiLogin } from '../lambda/ingest/parse/api-event';
import { LoginKind, LoginOutcome, Severity, SEVERITY_ORDER } from '../src/alert-types';
import { LOGIN_KINDS, LOGIN_OUTCOMES, SEVERITIES } from '../src/contract/alert-values';
import { SESSION_EVENT_NAMES, SESSION_EVENTS_PATTERN } from '../src/contract/event-patterns';

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
  expect(SESSION_EVENTS_PATTERN.detail?.eventName).toEqual([...SESSION_EVENT_NAMES]);
  for (const eventName of SESSION_EVENT_NAMES) expect([eventName, isApiLogin({ eventName })]).toEqual([eventName, true]);
  for (const eventName of ['GetConsoleOutput', 'SendCommand', 'toString', 'constructor', 'hasOwnProperty']) {
    expect([eventName, isApiLogin({ eventName })]).toEqual([eventName, false]);
  }
});
