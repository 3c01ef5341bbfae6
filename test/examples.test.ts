import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The example apps, synthesized as their users would run them: the TypeScript app with ts-node, the
 * Python app in a fresh virtualenv with the wheel built from this repository through jsii. Both must
 * produce the same stack.
 */
const root = join(__dirname, '..');

function template(outdir: string): any {
  return JSON.parse(readFileSync(join(outdir, 'LoginAlertsExample.template.json'), 'utf8'));
}

function expectTheExampleStack(t: any): void {
  const resources = Object.values<any>(t.Resources);
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  expect(ofType('AWS::SNS::Topic')).toHaveLength(1);
  expect(ofType('AWS::SNS::Topic')[0].Properties.KmsMasterKeyId).toBeDefined();
  const functions = ofType('AWS::Lambda::Function').map((f) => f.Properties.Description);
  expect(functions.sort()).toEqual([
    'cdk-login-alerts: posts login alerts to Slack',
    'cdk-login-alerts: triggers PagerDuty incidents for login alerts',
    'cdk-login-alerts: turns SSH logins, console sign-ins, sessions and Instance Connect calls into alerts on the topic',
  ]);
  expect(ofType('AWS::Logs::SubscriptionFilter').map((f) => [f.Properties.LogGroupName, f.Properties.FilterPattern]).sort()).toEqual([
    ['/ec2/var/log/auth.log', '%sshd.*Accepted|ec2-instance-connect.*Providing%'],
    ['/ec2/var/log/secure', '%sshd.*Accepted|ec2-instance-connect.*Providing%'],
  ]);
  expect(ofType('AWS::Events::Rule').map((r) => r.Properties.EventPattern.detail.eventName)).toEqual([
    ['ConsoleLogin'], ['StartSession', 'ResumeSession', 'SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel'],
  ]);
  expect(ofType('AWS::SNS::Subscription').map((s) => s.Properties.Protocol).sort()).toEqual(['email', 'lambda', 'lambda']);
  const ingest = ofType('AWS::Lambda::Function').find((f) => f.Properties.Description.includes('turns SSH'));
  expect(ingest.Properties.Environment.Variables.TRUSTED_CIDRS).toBe('198.51.100.0/24,2001:db8:1234::/48');
}

test('the TypeScript example app synthesizes the stack', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'example-ts-'));
  execFileSync(join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--project', join(root, 'tsconfig.dev.json'), join(root, 'examples', 'app.ts')], {
    cwd: root, env: { ...process.env, CDK_OUTDIR: outdir }, stdio: 'pipe',
  });
  expectTheExampleStack(template(outdir));
}, 120_000);

test('the Python example app, with the wheel built from this repository, synthesizes the same stack', () => {
  const python = process.env.PYTHON ?? 'python3';
  const wheel = buildWheel();
  // A fresh virtualenv per run: nothing from the machine's site-packages leaks in.
  const venv = mkdtempSync(join(tmpdir(), 'example-py-'));
  execFileSync(python, ['-m', 'venv', venv], { stdio: 'pipe' });
  const pip = join(venv, 'bin', 'pip');
  execFileSync(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', join(root, 'examples', 'python', 'requirements.txt'), wheel], { stdio: 'pipe' });
  const outdir = mkdtempSync(join(tmpdir(), 'example-py-out-'));
  execFileSync(join(venv, 'bin', 'python'), [join(root, 'examples', 'python', 'app.py')], { cwd: join(root, 'examples', 'python'), env: { ...process.env, CDK_OUTDIR: outdir }, stdio: 'pipe' });
  expectTheExampleStack(template(outdir));
}, 600_000);

/** The jsii Python package of the library as compiled now (reused when newer than the .jsii manifest). */
function buildWheel(): string {
  const dist = join(root, 'dist', 'python');
  const find = () => (existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.whl')).map((f) => join(dist, f)) : []);
  const fresh = find().filter((w) => statSync(w).mtimeMs > statSync(join(root, '.jsii')).mtimeMs);
  if (fresh.length > 0) return fresh[0];
  execFileSync(join(root, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', 'python'], { cwd: root, stdio: 'pipe' });
  return find()[0];
}
