/**
 * `cdk-login-alerts check` tried offline: the example app (examples/app.ts) synthesized, deployed
 * into a local moto server (AWS's APIs, emulated) as far as moto's CloudFormation goes and the rest
 * from the template, then `check` run against it with any arguments given (`--coverage`,
 * `--send-test-login`, `--json`). Run it with `npx projen try:check [-- --coverage]`; it needs moto
 * (`pip install -r requirements-dev.txt`). Nothing reaches AWS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../test/support/moto';
import { deployIntoMoto } from '../test/support/moto-deploy';

const root = join(__dirname, '..');

async function main(args: string[]): Promise<number> {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'try-check-'));
  const synth = spawnSync(join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', join(__dirname, 'app.ts')], {
    cwd: __dirname, env: { ...process.env, CDK_OUTDIR: assemblyDir }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (synth.status !== 0) return synth.status ?? 1;
  const moto = await startMoto();
  try {
    await deployIntoMoto(moto.endpoint, { region: 'us-east-1', account: '123456789012', stackName: 'LoginAlertsExample', assemblyDir });
    process.stderr.write(`The example stack is deployed into moto at ${moto.endpoint}; running check:\n\n`);
    const check = spawnSync(process.execPath, [join(root, 'assets', 'cli', 'index.js'), 'check', '--stack', 'LoginAlertsExample', ...args], {
      env: { PATH: process.env.PATH, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: 'inherit',
    });
    return check.status ?? 1;
  } finally {
    await moto.stop();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`try-check: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
