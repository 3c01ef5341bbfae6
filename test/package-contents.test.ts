import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npm pack` would publish: the bundles the constructs load at synth, the compiled library,
 * the jsii manifest and the alert schema; no handler sources, tests or fixtures.
 */
const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const files: string[] = pack.files.map((f: { path: string }) => f.path);

describe('npm package contents', () => {
  test.each([
    'assets/ingest/index.js', 'assets/slack/index.js', 'assets/pagerduty/index.js', 'assets/reconcile/index.js', 'assets/host-coverage/index.js', 'assets/slack-app/index.js', 'assets/slack-interaction/index.js', 'assets/cli/index.js', 'schema/alert.v1.json', 'lib/index.js', 'lib/login-alerts.js', 'lib/index.d.ts', '.jsii', 'README.md', 'LICENSE', 'package.json',
  ])('contains %s', (file) => {
    expect(files).toContain(file);
  });

  test('contains no sources of handlers, tests, fixtures, examples or benchmarks, and no source maps', () => {
    expect(files.filter((f) => /^(lambda|cli|test|examples|bench|src)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.map'))).toEqual([]);
  });

  test('declares the cdk-login-alerts command', () => {
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin).toEqual({ 'cdk-login-alerts': 'assets/cli/index.js' });
  });
});
