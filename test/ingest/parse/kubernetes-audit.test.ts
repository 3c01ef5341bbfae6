import { parseKubernetesAudit, type KubernetesExec } from '../../../lambda/ingest/parse/kubernetes-audit';
import { eksAuditEvent } from '../../support/fixtures';

/** `kubectl exec`, `attach` and `port-forward` from an EKS cluster's audit log (fixtures: test/fixtures/eks/SOURCES.md). */

const GROUP = '/aws/eks/prod/cluster';

function login(fixture: string, group = GROUP): KubernetesExec {
  const result = parseKubernetesAudit(eksAuditEvent(fixture), group);
  if (!result || !('login' in result)) throw new Error(`not a login: ${JSON.stringify(result)}`);
  return result.login;
}

test('an interactive exec, at the stage its stream opened: the pod, the command, the IAM principal EKS verified', () => {
  const exec = login('exec-interactive-started');
  expect(exec).toMatchObject({
    outcome: 'success',
    code: 101,
    time: '2026-11-30T11:20:05.201Z',
    pod: { cluster: 'prod', namespace: 'payments', pod: 'checkout-7d9f8b6c4-x2x9q', container: 'app', subresource: 'exec', command: '/bin/sh', interactive: true },
    sourceIps: ['198.51.100.23'],
    userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
    problems: [],
  });
  // An Identity Center session: its name is Identity Center's, so the actor is the person (via sso).
  expect(exec.identity).toMatchObject({
    user: 'alice@example.com',
    principal: { type: 'AssumedRole', roleName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef', federation: 'identity-center' },
    actor: { name: 'alice@example.com', via: 'sso' },
  });
});

test('one alert per request: the received and completed stages of the same exec are not alerts', () => {
  expect(parseKubernetesAudit(eksAuditEvent('exec-interactive-received'), GROUP)).toEqual({ ignored: 'pods/exec at stage RequestReceived: its ResponseStarted is the alert' });
  expect(parseKubernetesAudit(eksAuditEvent('exec-interactive-complete'), GROUP)).toEqual({ ignored: 'pods/exec at stage ResponseComplete (101): its ResponseStarted is the alert' });
});

test('kubectl 1.30+ over WebSocket (a GET), a one-off command, arguments joined', () => {
  expect(login('exec-command-websocket').pod).toEqual({
    cluster: 'prod', namespace: 'payments', pod: 'checkout-7d9f8b6c4-x2x9q', container: 'app', subresource: 'exec', command: 'sh -c cat /etc/passwd', interactive: false, stdin: false, tty: false,
  });
});

test('a refused exec is a failure with its code; the role session named like a person is only the principal', () => {
  const refused = login('exec-forbidden');
  expect(refused).toMatchObject({ outcome: 'failure', code: 403 });
  expect(refused.identity).toMatchObject({ user: 'alice@example.com', principal: { type: 'AssumedRole', roleName: 'ci-deployer' }, actor: { via: 'iam' } });
});

test('port-forward and attach are labelled as such', () => {
  expect(login('portforward').pod).toEqual({ cluster: 'prod', namespace: 'data', pod: 'postgres-0', subresource: 'portforward', ports: '5432' });
  expect(login('attach').pod).toMatchObject({ subresource: 'attach', container: 'app', interactive: true });
});

test("a service account's exec alerts, naming the service account; the cluster's own components and other requests do not", () => {
  const byToken = login('exec-service-account');
  expect(byToken).toMatchObject({ username: 'system:serviceaccount:ci:runner', serviceAccount: 'ci:runner' });
  expect(byToken.identity).toBeUndefined();
  expect(parseKubernetesAudit(eksAuditEvent('exec-by-node'), GROUP)).toEqual({ ignored: expect.stringContaining("one of the cluster's own components") });
  expect(parseKubernetesAudit(eksAuditEvent('pods-list'), GROUP)).toEqual({ ignored: 'audit event for pods is not an exec, attach or port-forward' });
});

test('read as structure, only from an EKS control plane log group: text that mentions exec is nothing', () => {
  expect(parseKubernetesAudit(eksAuditEvent('exec-interactive-started'), '/ec2/var/log/secure')).toBeUndefined();
  expect(parseKubernetesAudit('I1130 11:20:05.201234 10 httplog.go:132] "HTTP" verb="POST" URI="/api/v1/namespaces/payments/pods/x/exec"', GROUP)).toBeUndefined();
  expect(parseKubernetesAudit('{"kind":"Event","apiVersion":"v1","objectRef":{"resource":"pods","subresource":"exec"}}', GROUP)).toBeUndefined();
  expect(parseKubernetesAudit('{not json', GROUP)).toBeUndefined();
});

test('a command and container written to deceive stay data: the caller wrote them', () => {
  const hostile = login('exec-hostile');
  expect(hostile.pod.command).toBe('<!channel> *ok* `x`');
  expect(hostile.pod.container).toHaveLength(10240);
});
