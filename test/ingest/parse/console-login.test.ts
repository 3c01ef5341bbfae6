import { parseConsoleLogin } from '../../../lambda/ingest/parse/console-login';
import { cloudTrailEvent } from '../../support/fixtures';

function parse(name: string) {
  const event = cloudTrailEvent(name);
  return parseConsoleLogin(event.detail, { id: event.id, account: event.account, region: event.region, time: event.time });
}

describe('parseConsoleLogin', () => {
  test('root sign-in without MFA', () => {
    expect(parse('root-success-no-mfa')).toMatchObject({
      eventId: 'deadbeef-0000-4000-8000-000000000001',
      user: 'root',
      principal: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      outcome: 'success',
      mfa: false,
      sourceIp: '192.0.2.101',
      account: '111122223333',
      region: 'us-east-1',
      time: '2026-11-20T08:01:02.000Z',
    });
  });

  test('MFAUsed is read without case: `YES` as in AWS\'s own root sign-in sample', () => {
    expect(parse('root-success-mfa-upper-case')).toMatchObject({ user: 'root', outcome: 'success', mfa: true });
  });

  test('failed root sign-in', () => {
    expect(parse('root-failure')).toMatchObject({ user: 'root', outcome: 'failure', errorMessage: 'Failed authentication' });
  });

  test('IAM user without MFA, from the CloudTrail user guide example', () => {
    expect(parse('iam-user-no-mfa')).toMatchObject({
      user: 'anaya', principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/anaya' }, mfa: false, outcome: 'success', region: 'us-east-2',
    });
  });

  test('failed sign-in of a user that does not exist: the placeholder is kept and flagged, there is no ARN', () => {
    const login = parse('iam-user-failure-hidden');
    expect(login).toMatchObject({ user: 'HIDDEN_DUE_TO_SECURITY_REASONS', userHidden: true, outcome: 'failure', principal: { type: 'IAMUser' } });
    expect(login.principal).not.toHaveProperty('arn');
  });

  test('SAML federation: the user is the role session name', () => {
    expect(parse('saml-federated')).toMatchObject({
      user: 'tester@domain.tld', principal: { type: 'AssumedRole', roleName: 'okta', federation: 'saml' },
    });
  });

  test('IAM Identity Center: the AWSReservedSSO_ role marks it, the user is the session name', () => {
    expect(parse('identity-center')).toMatchObject({
      user: 'jane.doe@example.com',
      principal: { type: 'AssumedRole', roleName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef', federation: 'identity-center' },
      region: 'eu-west-1',
    });
  });

  test('a record missing its eventID, result and identity still yields a login, as a failure, with the envelope id', () => {
    expect(parseConsoleLogin({ eventName: 'ConsoleLogin' }, { id: 'envelope-id', account: '123456789012', region: 'us-east-1' })).toMatchObject({
      eventId: 'envelope-id', user: 'unknown', outcome: 'failure', account: '123456789012', region: 'us-east-1', principal: { type: 'Unknown' },
    });
  });

  test('a non-address sourceIPAddress (e.g. "AWS Internal") is not reported as an IP', () => {
    const event = cloudTrailEvent('iam-user-mfa');
    event.detail.sourceIPAddress = 'AWS Internal';
    expect(parseConsoleLogin(event.detail, { id: event.id }).sourceIp).toBeUndefined();
  });
});
