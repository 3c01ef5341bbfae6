import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Where `npx projen bundle` writes a function's bundle: what the construct deploys. */
export function bundlePath(name: string): string {
  return join(__dirname, '..', '..', 'assets', name, 'index.js');
}

export interface Invocation {
  readonly result?: unknown;
  readonly error?: { name: string; message: string };
}

export interface BundleRun {
  readonly invocations: Invocation[];
  /** What the function logged (stdout and stderr), one JSON object per line from Powertools. */
  readonly logs: string;
}

/**
 * Runs a built bundle in a fresh `node` process, as Lambda would: the module loads once, then the
 * handler is invoked with each event in turn (so module-scope caches stay warm between them).
 */
export function invokeBundle(name: string, events: unknown[], env: Record<string, string>): Promise<BundleRun> {
  const script = `
    const { handler } = require(${JSON.stringify(bundlePath(name))});
    let input = '';
    process.stdin.on('data', (c) => input += c).on('end', async () => {
      const out = [];
      for (const event of JSON.parse(input)) {
        try { out.push({ result: await handler(event) }); }
        catch (e) { out.push({ error: { name: e.name, message: e.message } }); }
      }
      process.stdout.write('\\n@@RESULT@@' + JSON.stringify(out) + '\\n');
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      const marker = stdout.lastIndexOf('@@RESULT@@');
      if (marker < 0) return reject(new Error(`bundle ${name} exited ${code} without a result\n${stdout}\n${stderr}`));
      const invocations = JSON.parse(stdout.slice(marker + '@@RESULT@@'.length));
      resolve({ invocations, logs: stdout.slice(0, marker) + stderr });
    });
    child.stdin.end(JSON.stringify(events));
  });
}
