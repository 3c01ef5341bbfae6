import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_LOGIN_PATTERN, SESSION_EVENTS_PATTERN, type EventPatternSpec } from '../../src/contract/event-patterns';
import { cloudTrailEvent } from '../support/fixtures';

/**
 * The rule patterns through AWS's own matching engine, Event Ruler (test/event-ruler, a Maven
 * project): every CloudTrail fixture matches the rule it is for and no other, and the events of
 * other services that share a name (Athena's StartSession, S3 Express's CreateSession, Systems
 * Manager's ExecuteCommand) or a session's other calls (TerminateSession, DescribeInstanceInformation,
 * CloudShell's heartbeat, a sign-in's CredentialChallenge) match none. Moto's EventBridge runs the
 * same patterns in sign-in-pattern.test.ts.
 */

const project = join(__dirname, '..', 'event-ruler');
const fixtures = join(__dirname, '..', 'fixtures', 'cloudtrail');

/** The pattern as EventBridge reads it (the construct writes `detailType` as `detail-type`). */
const asEventBridge = ({ detailType, ...rest }: EventPatternSpec) => ({ ...rest, ...(detailType && { 'detail-type': detailType }) });

function matches(events: Array<{ id: string; event: unknown }>): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'event-ruler-'));
  const input = join(dir, 'input.json');
  const output = join(dir, 'output.json');
  const patterns = { signIn: asEventBridge(CONSOLE_LOGIN_PATTERN), session: asEventBridge(SESSION_EVENTS_PATTERN) };
  writeFileSync(input, JSON.stringify({ patterns, events }));
  try {
    // Built in a copy, so that the checkout never holds Maven's target/.
    cpSync(project, join(dir, 'project'), { recursive: true });
    execFileSync('mvn', ['-q', '-B', '-f', join(dir, 'project', 'pom.xml'), 'compile', 'exec:java', `-Dexec.args=${input} ${output}`], { stdio: 'pipe' });
  } catch (e: any) {
    throw new Error(`Event Ruler run failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
  return JSON.parse(readFileSync(output, 'utf8'));
}

/** A fixture's event with its record changed: another service, another call. */
function variant(fixture: string, change: { source?: string; eventSource?: string; eventName?: string; detailType?: string }) {
  const event = cloudTrailEvent(fixture);
  return {
    ...event,
    ...(change.source && { source: change.source }),
    ...(change.detailType && { 'detail-type': change.detailType }),
    detail: {
      ...event.detail,
      ...(change.eventSource && { eventSource: change.eventSource }),
      ...(change.eventName && { eventName: change.eventName }),
    },
  };
}

test('every fixture matches its own rule and only it; same-named calls of other services match nothing', () => {
  const names = readdirSync(fixtures).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  const own = names.map((name) => ({ id: name, event: cloudTrailEvent(name) }));
  const others = {
    'athena StartSession': variant('ssm-start-session-shell', { source: 'aws.athena', eventSource: 'athena.amazonaws.com' }),
    'ssm TerminateSession': variant('ssm-start-session-shell', { eventName: 'TerminateSession' }),
    'ssm DescribeInstanceInformation': variant('ssm-start-session-shell', { eventName: 'DescribeInstanceInformation' }),
    'ssm ExecuteCommand': variant('ecs-execute-command', { source: 'aws.ssm', eventSource: 'ssm.amazonaws.com' }),
    's3express CreateSession': variant('cloudshell-create-session', { source: 'aws.s3express', eventSource: 's3express.amazonaws.com' }),
    'cloudshell SendHeartBeat': variant('cloudshell-create-session', { eventName: 'SendHeartBeat' }),
    'ecs StartSession': variant('ssm-start-session-shell', { source: 'aws.ecs', eventSource: 'ecs.amazonaws.com' }),
    'signin CredentialChallenge': variant('identity-center-credential-verification-totp', { eventName: 'CredentialChallenge' }),
    'workspaces UserAuthentication': variant('identity-center-user-authentication', { source: 'aws.workspaces', eventSource: 'workspaces.amazonaws.com' }),
    'session call as a service event': variant('ecs-execute-command', { detailType: 'AWS Service Event via CloudTrail' }),
  };
  const verdicts = matches([...own, ...Object.entries(others).map(([id, event]) => ({ id, event }))]);

  const signIn = names.filter((n) => /^(root-|iam-user-|saml-|identity-center|signin-)/.test(n));
  const session = names.filter((n) => !signIn.includes(n));
  expect(signIn.length + session.length).toBe(names.length);
  for (const name of signIn) expect([name, verdicts[name]]).toEqual([name, ['signIn']]);
  for (const name of session) expect([name, verdicts[name]]).toEqual([name, ['session']]);
  for (const id of Object.keys(others)) expect([id, verdicts[id]]).toEqual([id, []]);
}, 300_000);
