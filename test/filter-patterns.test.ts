import { eksAuditEvent, sshLine, windowsEvent } from './support/fixtures';
import { jsonFilterPattern } from './support/json-filter-pattern';
import {
  ALL_LOG_GROUPS_FILTER_PATTERN, AUTH_LOG_FILTER_PATTERN, EKS_EXEC_FILTER_PATTERN,
  WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, WINDOWS_LOGON_FILTER_PATTERN,
} from '../src/contract/event-patterns';

/**
 * The subscription filters' patterns, read as CloudWatch Logs reads them (a `%…%` pattern is a
 * regular expression; moto does not apply them, so they are checked here): within the syntax
 * CloudWatch Logs accepts, and passing the logins while dropping the noise that would otherwise
 * invoke the function thousands of times a day.
 */

/** CloudWatch Logs' regex syntax (FilterAndPatternSyntax, "Supported regular expressions"): these characters only, no parentheses. */
function checkSyntax(pattern: string): void {
  expect(pattern.length).toBeLessThanOrEqual(1024);
  const regexes = pattern.match(/%[^%]*%/g) ?? [];
  expect(regexes.length).toBeGreaterThan(0);
  expect(regexes.length).toBeLessThanOrEqual(2);
  for (const regex of regexes) expect(regex.slice(1, -1)).toMatch(/^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]+$/);
}

function matches(pattern: string, message: string): boolean {
  return new RegExp(pattern.slice(1, -1)).test(message);
}

test.each([
  ['SSH', AUTH_LOG_FILTER_PATTERN], ['Windows', WINDOWS_LOGON_FILTER_PATTERN], ['Windows with failures', WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN], ['every log group', ALL_LOG_GROUPS_FILTER_PATTERN],
])('the %s pattern is within CloudWatch Logs regex syntax', (_name, pattern) => checkSyntax(pattern));

const INTERACTIVE = ['4624-rdp.xml', '4624-console-administrator.xml', '4625-rdp-wrong-password.xml', '4624-rdp', '4624-rdp-ntlm-administrator', '4625-rdp-wrong-password', '4624-unlock-console'];
const NOISE = ['4624-service.xml', '4625-network-unknown-user.xml', '4624-network', '4625-network-no-such-user'];

test.each(INTERACTIVE)('interactive logon %s passes the Windows filter and the every-log-group policy', (fixture) => {
  expect(matches(WINDOWS_LOGON_FILTER_PATTERN, windowsEvent(fixture))).toBe(true);
  expect(matches(ALL_LOG_GROUPS_FILTER_PATTERN, windowsEvent(fixture))).toBe(true);
});

test.each(NOISE)('network and service logon %s is dropped before the function is invoked', (fixture) => {
  expect(matches(WINDOWS_LOGON_FILTER_PATTERN, windowsEvent(fixture))).toBe(false);
  expect(matches(ALL_LOG_GROUPS_FILTER_PATTERN, windowsEvent(fixture))).toBe(false);
});

test('with failures alerted, every failed logon passes (NLA logs a failed Remote Desktop logon as type 3); successful network logons still do not', () => {
  expect(matches(WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, windowsEvent('4625-network-unknown-user.xml'))).toBe(true);
  expect(matches(WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, windowsEvent('4625-network-no-such-user'))).toBe(true);
  expect(matches(WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, windowsEvent('4624-network'))).toBe(false);
  expect(matches(WINDOWS_LOGON_AND_FAILURES_FILTER_PATTERN, windowsEvent('4624-service.xml'))).toBe(false);
});

test('every type from 0 to 13: only 2, 7, 10 and 11 pass, in both formats', () => {
  const types = Array.from({ length: 14 }, (_, type) => type);
  const passing = (make: (type: number) => string) => types.filter((type) => matches(WINDOWS_LOGON_FILTER_PATTERN, make(type)));
  const xml = windowsEvent('4624-rdp.xml');
  const text = windowsEvent('4624-rdp');
  expect(passing((type) => xml.replace("<Data Name='LogonType'>10</Data>", `<Data Name='LogonType'>${type}</Data>`).replace(/Logon Type:&#9;&#9;10/, `Logon Type:&#9;&#9;${type}`))).toEqual([2, 7, 10, 11]);
  expect(passing((type) => text.replace('\tLogon Type:\t\t10', `\tLogon Type:\t\t${type}`))).toEqual([2, 7, 10, 11]);
});

test('SSH lines still pass the every-log-group policy', () => {
  expect(matches(ALL_LOG_GROUPS_FILTER_PATTERN, sshLine('ubuntu-22.04-auth.log', 'Accepted publickey for ubuntu'))).toBe(true);
  expect(matches(ALL_LOG_GROUPS_FILTER_PATTERN, sshLine('ubuntu-22.04-auth.log', 'session opened for user ubuntu'))).toBe(false);
});

describe('the EKS control plane pattern (a JSON pattern)', () => {
  const passes = jsonFilterPattern(EKS_EXEC_FILTER_PATTERN);

  test('is within the filter pattern size limit', () => expect(EKS_EXEC_FILTER_PATTERN.length).toBeLessThanOrEqual(1024));

  test.each(['exec-interactive-started', 'exec-command-websocket', 'exec-forbidden', 'portforward', 'attach', 'exec-service-account', 'exec-by-node'])('%s passes', (fixture) => {
    expect(passes(eksAuditEvent(fixture))).toBe(true);
  });

  test.each(['exec-interactive-received', 'exec-interactive-complete', 'pods-list'])('%s, another stage or request, never invokes the function', (fixture) => {
    expect(passes(eksAuditEvent(fixture))).toBe(false);
  });

  test('the control plane\'s other logs (API server, authenticator) are not JSON audit events', () => {
    expect(passes('I1130 11:20:05.201234 10 httplog.go:132] "HTTP" verb="POST" URI="/api/v1/namespaces/payments/pods/x/exec"')).toBe(false);
    expect(passes('time="2026-11-30T11:20:05Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/Admin"')).toBe(false);
  });
});
