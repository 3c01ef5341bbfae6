import { parseWindowsLogon, type WindowsLogon } from '../../../lambda/ingest/parse/windows-logon';
import { windowsEvent } from '../../support/fixtures';

/** Windows logons from the Security log, in both of the CloudWatch agent's formats (fixtures: test/fixtures/windows/SOURCES.md). */

function logon(message: string): WindowsLogon {
  const result = parseWindowsLogon(message);
  if (!result || !('logon' in result)) throw new Error(`not a logon: ${JSON.stringify(result)}`);
  return result.logon;
}

describe('a Remote Desktop logon reads the same from XML and from the rendered text', () => {
  test.each([['XML', '4624-rdp.xml'], ['text', '4624-rdp']])('%s', (format, fixture) => {
    expect(logon(windowsEvent(fixture))).toMatchObject({
      eventId: 4624,
      outcome: 'success',
      format: format === 'XML' ? 'xml' : 'text',
      logonType: 10,
      logonTypeName: 'RemoteInteractive',
      userName: 'alice',
      domain: 'CORP',
      userSid: 'S-1-5-21-1377283216-344919071-3415362939-1104',
      sourceIp: '198.51.100.23',
      workstation: 'EC2AMAZ-4QK2L7T',
      logonProcess: 'User32',
      authenticationPackage: 'Negotiate',
      elevatedToken: true,
      restrictedAdminMode: false,
      virtualAccount: false,
      computer: 'EC2AMAZ-4QK2L7T',
      problems: [],
    });
  });

  test('XML carries the event time (seven fractional digits) and record id; port 0 is no port', () => {
    const xml = logon(windowsEvent('4624-rdp.xml'));
    expect(xml).toMatchObject({ time: '2026-11-30T09:14:07.552Z', recordId: '48213' });
    expect(xml.port).toBeUndefined();
    expect(xml.builtInAdministrator).toBeUndefined();
  });
});

test("Microsoft's own 4624 sample: a console logon by the built-in Administrator from 127.0.0.1", () => {
  expect(logon(windowsEvent('4624-console-administrator.xml'))).toMatchObject({
    logonType: 2,
    logonTypeName: 'Interactive',
    userName: 'Administrator',
    domain: 'WIN-GG82ULGC9GO',
    builtInAdministrator: true,
    viaLocalTunnel: true,
    time: '2015-11-12T00:24:35.079Z',
  });
  expect(logon(windowsEvent('4624-console-administrator.xml')).sourceIp).toBeUndefined();
});

test('an NTLM logon names its package and the client port', () => {
  expect(logon(windowsEvent('4624-rdp-ntlm-administrator'))).toMatchObject({
    userName: 'Administrator', builtInAdministrator: true, authenticationPackage: 'NTLM', lmPackage: 'NTLM V2', logonProcess: 'NtLmSsp', port: 50432, sourceIp: '203.0.113.50',
  });
});

describe('failed logons name the failure', () => {
  test.each([['XML', '4625-rdp-wrong-password.xml'], ['text', '4625-rdp-wrong-password']])('%s', (_format, fixture) => {
    const failed = logon(windowsEvent(fixture));
    expect(failed).toMatchObject({
      eventId: 4625, outcome: 'failure', logonType: 10, userName: 'alice', sourceIp: '198.51.100.23', status: '0xc000006d', subStatus: '0xc000006a', failureReason: 'wrong password',
    });
    // A failure's account is the client's to type: never the built-in Administrator's flag.
    expect(failed.builtInAdministrator).toBeUndefined();
  });
});

describe('what is not an interactive logon is said, not alerted', () => {
  test.each([
    ['4624-service.xml', 'logon of type 5 (Service) is not interactive'],
    ['4625-network-unknown-user.xml', 'failed logon of type 3 (Network) is not interactive'],
    ['4624-network', 'logon of type 3 (Network) is not interactive'],
    ['4624-unlock-console', 'an unlock at the console (logon type 7) continues its own session'],
  ])('%s', (fixture, ignored) => {
    expect(parseWindowsLogon(windowsEvent(fixture))).toEqual({ ignored });
  });

  test('an unlock over the network is Remote Desktop reconnecting to a locked session: a logon', () => {
    expect(logon(windowsEvent('4624-unlock-rdp-reconnect'))).toMatchObject({ logonType: 7, logonTypeName: 'Unlock', sourceIp: '198.51.100.23' });
  });

  test('other events, other providers and other channels', () => {
    const rdp = windowsEvent('4624-rdp.xml');
    expect(parseWindowsLogon(rdp.replace('<EventID>4624</EventID>', '<EventID>4634</EventID>'))).toEqual({ ignored: 'Windows event 4634 is not a logon (4624) or failed logon (4625)' });
    // A program with SeAuditPrivilege may write audit events under its own provider: not the LSA's.
    expect(parseWindowsLogon(rdp.replace("Provider Name='Microsoft-Windows-Security-Auditing'", "Provider Name='Contoso-Agent'"))).toEqual({
      ignored: expect.stringContaining('from Contoso-Agent on Security is not the Security log'),
    });
    expect(parseWindowsLogon(rdp.replace('<Channel>Security</Channel>', '<Channel>Application</Channel>'))).toEqual({ ignored: expect.stringContaining('on Application') });
    expect(parseWindowsLogon('Mar  5 14:03:07 ip-10-0-1-23 sshd[4242]: Accepted publickey for ec2-user')).toBeUndefined();
    expect(parseWindowsLogon('{"kind":"Event"}')).toBeUndefined();
  });
});

describe('attack text never becomes a login or a field', () => {
  test("a failed network logon's user name that poses as a Remote Desktop logon type makes the text ambiguous: nothing in it is believed", () => {
    const failed = logon(windowsEvent('4625-network-user-poses-as-rdp'));
    expect(failed).toEqual({ eventId: 4625, outcome: 'failure', format: 'text', computer: 'EC2AMAZ-4QK2L7T', problems: [expect.stringContaining('"Logon Type" 2 times')] });
  });

  test("a workstation name that poses as the source address: the logon still alerts, half-read, naming nobody's address", () => {
    const half = logon(windowsEvent('4624-rdp-workstation-poses-as-source'));
    expect(half.outcome).toBe('success');
    expect(half.problems).toEqual([expect.stringContaining('"Network Information: Source Network Address" 2 times')]);
    expect(half.sourceIp).toBeUndefined();
    expect(half.userName).toBeUndefined();
  });

  test('in XML, values are escaped: a user name with markup and line breaks stays one value', () => {
    const xml = windowsEvent('4625-rdp-wrong-password.xml')
      .replace("<Data Name='TargetUserName'>alice</Data>", "<Data Name='TargetUserName'>x&#13;&#10;&lt;/Data&gt;&lt;Data Name='LogonType'&gt;10</Data>");
    expect(logon(xml)).toMatchObject({ userName: "x\r\n</Data><Data Name='LogonType'>10", logonType: 10, problems: [] });
  });

  test('XML with a document type (entity expansion) or not well-formed is half-read from the event id alone', () => {
    const rdp = windowsEvent('4624-rdp.xml');
    const entity = `<!DOCTYPE Event [<!ENTITY a "aaaaaaaaaa">]>${rdp.replace('alice', '&a;')}`;
    expect(parseWindowsLogon(entity)).toBeUndefined(); // does not start with <Event: not a Windows event at all
    expect(logon(rdp.replace('<Security/>', '<Security/><!DOCTYPE x>'))).toEqual({ eventId: 4624, outcome: 'success', format: 'xml', problems: ['the event XML declares a document type'] });
    expect(logon(rdp.replace('</EventData>', ''))).toMatchObject({ eventId: 4624, outcome: 'success', problems: [expect.stringContaining('not well-formed')] });
  });

  test('a field twice in the XML is not believed', () => {
    const twice = windowsEvent('4624-rdp.xml').replace("<Data Name='IpPort'>0</Data>", "<Data Name='IpPort'>0</Data><Data Name='IpAddress'>10.0.0.5</Data>");
    expect(logon(twice).problems).toEqual(['the event XML has IpAddress twice']);
  });

  test('a rendered message that is not English is half-read, pointing at the XML format', () => {
    const german = windowsEvent('4624-rdp').replace(/Logon Type:/g, 'Anmeldetyp:');
    expect(logon(german).problems).toEqual([expect.stringContaining('use event_format "xml"')]);
  });
});
