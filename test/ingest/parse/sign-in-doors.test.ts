import { MemoryLedger } from '../../../cli/memory-ledger';
import { alertsFromEnvelope } from '../../../lambda/ingest/alerts-from-envelope';
import { applyLedger } from '../../../lambda/ingest/ledger/step';
import { decodeEnvelope } from '../../../lambda/ingest/parse/envelope';
import { attributeToPeople } from '../../../lambda/ingest/people/attribution';
import type { Alert } from '../../../lambda/shared/alert';
import { PeopleDirectory } from '../../../lambda/shared/people';
import { DEFAULT_MENTIONS, renderAlert } from '../../../lambda/shared/slack/render';
import { cloudTrailEvent, withDetail } from '../../support/fixtures';
import { onlyValidAlert } from '../../support/schema';

/**
 * AWS Sign-In's doors beyond ConsoleLogin: root password recovery, a console role switch, and the
 * IAM Identity Center access portal's sign-in, each from a fixture in AWS's documented shape
 * (fixtures/cloudtrail/SOURCES.md).
 */

async function resultFor(event: Record<string, any>) {
  return alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'us-east-1' });
}

async function alertFor(fixture: string | Record<string, any>): Promise<Alert> {
  const { alerts } = await resultFor(typeof fixture === 'string' ? cloudTrailEvent(fixture) : fixture);
  return onlyValidAlert(alerts);
}


describe('root password recovery', () => {
  test('requested and completed are each critical, with nobody named: whoever holds the root mailbox did it', async () => {
    const requested = await alertFor('signin-password-recovery-requested');
    expect(requested).toMatchObject({
      kind: 'password-recovery',
      severity: 'critical',
      outcome: 'success',
      user: 'root',
      reasons: ['root password recovery requested'],
      summary: '[CRITICAL] Root password recovery requested in 111122223333 from 203.0.113.99',
    });
    expect(requested.actor).toBeUndefined();
    const completed = await alertFor('signin-password-recovery-completed');
    expect(completed).toMatchObject({ severity: 'critical', reasons: ['root password reset by recovery'], summary: '[CRITICAL] Root password reset by recovery in 111122223333 from 203.0.113.99' });
  });

  test('a record without an explicit Success is a failure, still high', async () => {
    const alert = await alertFor(withDetail('signin-password-recovery-requested', (d) => { d.responseElements = { PasswordRecoveryRequested: 'Failure' }; }));
    expect(alert).toMatchObject({ outcome: 'failure', severity: 'high' });
  });
});

describe('console role switch', () => {
  test('low, the person is the principal that switched (SwitchFrom), not the new session\'s name', async () => {
    const alert = await alertFor('signin-switch-role');
    expect(alert).toMatchObject({
      kind: 'switch-role',
      severity: 'low',
      user: 'alice',
      reasons: ['console role switch'],
      actor: { name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', via: 'iam' },
      principal: { type: 'AssumedRole', roleName: 'Admin' },
      signIn: { switchFrom: 'arn:aws:iam::111122223333:user/alice' },
      summary: '[LOW] Console role switch: alice to role Admin in 111122223333 from 198.51.100.23',
    });
  });

  test('the new session may carry any name: the directory names the SwitchFrom user, never the session name', async () => {
    const alert = await alertFor(withDetail('signin-switch-role', (d) => {
      d.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/Admin/ceo@example.com';
    }));
    const directory = PeopleDirectory.parse(JSON.stringify({
      people: [
        { name: 'Alice Doe', iamUserNames: ['alice'] }, { name: 'The CEO', ssoUserNames: ['ceo@example.com'] },
      ],
    }));
    expect(attributeToPeople(alert, directory).actor).toMatchObject({ name: 'Alice Doe', via: 'iam' });
  });

  test('a SwitchFrom that is not a principal ARN names nobody and says so', async () => {
    const alert = await alertFor(withDetail('signin-switch-role', (d) => { d.additionalEventData.SwitchFrom = 'alice <!channel>'; }));
    expect(alert.actor).toBeUndefined();
    expect(alert.reasons).toContain('SwitchRole record whose SwitchFrom is not a principal ARN');
  });
});

describe('IAM Identity Center sign-in', () => {
  test('UserAuthentication is the one alert: the user, the Identity Store id, the workflow and where it signed in to', async () => {
    const alert = await alertFor('identity-center-user-authentication');
    expect(alert).toMatchObject({
      kind: 'identity-center-sign-in',
      outcome: 'success',
      user: 'demo-user-2',
      region: 'us-east-2',
      sourceIp: '192.0.2.14',
      actor: { name: 'demo-user-2', via: 'sso' },
      principal: { identityCenterUserId: 'f12bb510-a011-702f-10dd-5607e2776dbc', identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9a670c546e' },
      signIn: { workflowId: '7a4ef12c-7c4b-4bc3-b5bd-c2469afcc795', factors: ['PASSWORD'], loginTo: 'https://example.awsapps.com/start/' },
    });
    // The password alone: the instance does not require MFA.
    expect(alert).toMatchObject({ mfa: false, severity: 'high', reasons: ['IAM Identity Center sign-in', 'no MFA (password only)'] });
  });

  test('a factor that passed is no alert, but the ledger keeps it for its sign-in, in either order of arrival', async () => {
    const step = await resultFor(cloudTrailEvent('identity-center-credential-verification-totp'));
    expect(step.alerts).toEqual([]);
    expect(step.verifiedFactors).toEqual([{ workflowId: '7a4ef12c-7c4b-4bc3-b5bd-c2469afcc795', factor: 'TOTP', eventId: '70cb7008-493d-42c2-a9eb-38bf168af6a8' }]);

    // The step first, the sign-in after: MFA used, low.
    const ledger = new MemoryLedger();
    await applyLedger([], ledger, Date.parse('2026-11-20T14:09:05Z'), { verifiedFactors: step.verifiedFactors });
    const signIn = (await resultFor(cloudTrailEvent('identity-center-user-authentication'))).alerts;
    const [after] = (await applyLedger(signIn, ledger, Date.parse('2026-11-20T14:09:07Z'))).alerts;
    expect(after).toMatchObject({ mfa: true, severity: 'low', reasons: ['IAM Identity Center sign-in', 'MFA used (TOTP)'], signIn: { factors: ['PASSWORD', 'TOTP'] } });
    expect(after.summary).toBe('[LOW] IAM Identity Center sign-in: demo-user-2 from 192.0.2.14');

    // Another workflow's factor does not count.
    const other = new MemoryLedger();
    await applyLedger([], other, Date.parse('2026-11-20T14:09:05Z'), { verifiedFactors: [{ ...step.verifiedFactors![0], workflowId: 'another-workflow' }] });
    expect((await applyLedger(signIn, other, Date.parse('2026-11-20T14:09:07Z'))).alerts[0]).toMatchObject({ mfa: false, severity: 'high' });
  });

  test('a failed factor alerts as a failure, naming who was tried, never as the person who tried', async () => {
    const alert = await alertFor('identity-center-credential-verification-failure');
    expect(alert).toMatchObject({
      kind: 'identity-center-sign-in',
      outcome: 'failure',
      severity: 'medium',
      user: 'demo-user-2',
      reasons: ['failed IAM Identity Center sign-in (PASSWORD)'],
      signIn: { factors: ['PASSWORD'] },
      summary: '[MEDIUM] Failed IAM Identity Center sign-in (PASSWORD): demo-user-2 from 192.0.2.14',
    });
    expect(alert.actor).toBeUndefined();
  });

  test('a burst of failures for one user is one alert, one raised to high, and the rest repeats; the success after them still alerts', async () => {
    const ledger = new MemoryLedger();
    const start = Date.parse('2026-11-20T14:08:40Z');
    const out: Alert[] = [];
    for (let i = 0; i < 7; i++) {
      const attempt = withDetail('identity-center-credential-verification-failure', (d) => {
        d.eventID = `4e6fbfc7-0479-48da-b7dc-${String(i).padStart(12, '0')}`;
        d.eventTime = new Date(start + i * 10_000).toISOString();
      });
      out.push(...(await applyLedger((await resultFor(attempt)).alerts, ledger, start + i * 10_000)).alerts);
    }
    expect(out.map((a) => [a.severity, a.repeat?.count ?? null])).toEqual([
      ['medium', null], ['medium', 1], ['medium', 2], ['medium', 3], ['high', null], ['medium', 1], ['medium', 2],
    ]);
    expect(out[4].reasons.at(-1)).toMatch(/^5 failures by the same user from the same source within 10 minutes/);
    const success = (await resultFor(cloudTrailEvent('identity-center-user-authentication'))).alerts;
    const [after] = (await applyLedger(success, ledger, start + 90_000)).alerts;
    expect(after.repeat).toBeUndefined();
  });

  test('the Identity Store user id names the person from the directory; without an entry the user name stays', async () => {
    const alert = await alertFor('identity-center-user-authentication');
    const directory = PeopleDirectory.parse(JSON.stringify({ people: [{ name: 'Demo User', email: 'demo@example.com', identityCenterUserIds: ['f12bb510-a011-702f-10dd-5607e2776dbc'] }] }));
    expect(attributeToPeople(alert, directory).actor).toMatchObject({ name: 'Demo User', email: 'demo@example.com', via: 'sso' });
    expect(attributeToPeople(alert, PeopleDirectory.parse('{"people": []}')).actor).toMatchObject({ name: 'demo-user-2' });
  });

  test('a record with only the user id (no user name) is shown as the id', async () => {
    const alert = await alertFor(withDetail('identity-center-user-authentication', (d) => { delete d.userIdentity.userName; }));
    expect(alert).toMatchObject({ user: 'f12bb510-a011-702f-10dd-5607e2776dbc', actor: { name: 'f12bb510-a011-702f-10dd-5607e2776dbc' } });
  });

  test('an external identity provider\'s sign-in is low: its MFA is the provider\'s, not recorded here', async () => {
    const alert = await alertFor(withDetail('identity-center-user-authentication', (d) => { d.additionalEventData.CredentialType = 'EXTERNAL_IDP'; }));
    expect(alert).toMatchObject({ severity: 'low', reasons: ['IAM Identity Center sign-in', 'through an external identity provider (its MFA is not recorded here)'] });
    expect(alert.mfa).toBeUndefined();
  });

  test('what a sign-in page visitor can type stays text: a typed user name with mentions is escaped in Slack and names no actor', async () => {
    const alert = await alertFor(withDetail('identity-center-credential-verification-failure', (d) => { d.userIdentity.userName = '<!channel> admin'; }));
    expect(alert.actor).toBeUndefined();
    const message = renderAlert(alert, { tagKeys: [], mentions: DEFAULT_MENTIONS });
    const mrkdwn = [message.text, ...JSON.stringify(message.attachments).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)!];
    expect(mrkdwn.join('\n')).not.toContain('<!channel>');
  });

  test('the same event names from other services are not sign-ins', async () => {
    const result = await resultFor(withDetail('identity-center-user-authentication', (d) => { d.eventSource = 'workspaces.amazonaws.com'; }));
    expect(result.alerts).toEqual([]);
  });
});
