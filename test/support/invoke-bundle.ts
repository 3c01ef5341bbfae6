import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Where `npx projen bundle` writes a function's bundle: what the construct deploys. */
export function bundlePath(name: string): string {
  return join(__dirname, '..', '..', 'assets', name, 'index.js');
}

export interface Invocation {
  readonly result?: unknown;
  readonly error?: { name: string; message: string };
  /** How many times the handler ran for this event (with `asyncRetries`). */
  readonly attempts?: number;
  /** Handler time in milliseconds (with `timed`). */
  readonly ms?: number;
}

export interface BundleRun {
  readonly invocations: Invocation[];
  /** What the function logged (stdout and stderr), one JSON object per line from Powertools. */
  readonly logs: string;
}

export interface InvokeOptions {
  /** Events handled at once, as concurrent Lambda instances would (one module load here). Default 1. */
  readonly concurrency?: number;
  /** Retries after a failed invocation, as Lambda does for asynchronous invocations (2). Default 0. */
  readonly asyncRetries?: number;
  /**
   * Waits before each retry. Lambda waits about 1 and then 2 minutes; tests compress that
   * (e.g. [500, 1000]) so that an outage can be shorter or longer than the whole retry window.
   * Default: retry at once.
   */
  readonly retryDelaysMs?: number[];
  /** What `context.getRemainingTimeInMillis()` starts from, like the function timeout. Default: no context. */
  readonly timeoutMs?: number;
  /**
   * What successive `context.getRemainingTimeInMillis()` calls answer (the last one repeats), for a
   * function that budgets its time: a test decides exactly when the budget runs out. Overrides `timeoutMs`.
   */
  readonly remainingTimesMs?: number[];
  /** `context.invokedFunctionArn` (the function's account is read from it). */
  readonly functionArn?: string;
  /** Record each invocation's duration in `ms` (handler time only, without process start). */
  readonly timed?: boolean;
  /**
   * Wait, with the module loaded, until this epoch millisecond before the first invocation: a
   * barrier, so invocations in several processes (containers) start together and really race.
   */
  readonly startAt?: number;
}

/**
 * Runs a built bundle in a fresh `node` process, as Lambda would: the module loads once, then the
 * handler is invoked with each event (so module-scope caches stay warm between them). With
 * `asyncRetries`, a failed invocation is repeated as Lambda's async retries repeat it, after
 * `retryDelaysMs` (Lambda's minute and two, compressed) or at once.
 */
export function invokeBundle(name: string, events: unknown[], env: Record<string, string>, options: InvokeOptions = {}): Promise<BundleRun> {
  const script = `
    const { handler } = require(${JSON.stringify(bundlePath(name))});
    const { concurrency, asyncRetries, timeoutMs, timed, retryDelaysMs, remainingTimesMs, functionArn, startAt } = ${JSON.stringify({ concurrency: 1, asyncRetries: 0, retryDelaysMs: [], ...options })};
    let input = '';
    process.stdin.on('data', (c) => input += c).on('end', async () => {
      const events = JSON.parse(input);
      if (startAt) await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
      const out = new Array(events.length);
      let next = 0;
      async function invoke(event) {
        const deadline = Date.now() + (timeoutMs ?? 0);
        let calls = 0;
        const remaining = remainingTimesMs
          ? () => remainingTimesMs[Math.min(calls++, remainingTimesMs.length - 1)]
          : timeoutMs ? () => Math.max(0, deadline - Date.now()) : undefined;
        const context = remaining || functionArn
          ? { ...(remaining && { getRemainingTimeInMillis: remaining }), ...(functionArn && { invokedFunctionArn: functionArn }) }
          : undefined;
        return handler(event, context);
      }
      async function worker() {
        while (next < events.length) {
          const i = next++;
          let attempts = 0;
          for (;;) {
            attempts++;
            const counted = asyncRetries ? { attempts } : {};
            const started = performance.now();
            const time = () => (timed ? { ms: performance.now() - started } : {});
            try { const result = await invoke(events[i]); out[i] = { result, ...counted, ...time() }; break; }
            catch (e) {
              if (attempts > asyncRetries) { out[i] = { error: { name: e.name, message: e.message }, ...counted }; break; }
              await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempts - 1] ?? 0));
            }
          }
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker));
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
      if (marker < 0) return reject(new Error(`bundle ${name} exited ${code} without a result\n${stdout.slice(-5000)}\n${stderr.slice(-5000)}`));
      const invocations = JSON.parse(stdout.slice(marker + '@@RESULT@@'.length));
      resolve({ invocations, logs: stdout.slice(0, marker) + stderr });
    });
    child.stdin.end(JSON.stringify(events));
  });
}
