import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMoto, type Moto } from './moto';

/**
 * A loopback HTTP proxy in front of moto that counts the AWS API calls passing through it (by
 * `Action=` in query-protocol bodies or the `X-Amz-Target` header) and can fail chosen actions.
 * Point a function's AWS_ENDPOINT_URL at it to see exactly what the function asked AWS.
 */
export class AwsCallCounter {
  static async start(target: string): Promise<AwsCallCounter> {
    const counter = new AwsCallCounter(target);
    await new Promise<void>((resolve) => counter.server.listen(0, '127.0.0.1', resolve));
    return counter;
  }

  readonly calls: string[] = [];
  /** Actions answered with HTTP 500 instead of being forwarded. */
  readonly failing = new Set<string>();
  /** Actions answered with a JSON-protocol ThrottlingException, for as many calls as the count says. */
  readonly throttling = new Map<string, number>();
  /** Calls answered with a ThrottlingException so far, by action. */
  readonly throttled = new Map<string, number>();
  /** Calls whose request body contains this text are answered with HTTP 500 (a poisoned entry). */
  failingBodyText?: string;
  /** Added before forwarding each call: models the network round trip to a real AWS endpoint. */
  latencyMs = 0;
  private readonly server: Server;

  private constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const action = actionOf(req, body.toString('utf8'));
        this.calls.push(action);
        const throttle = this.throttling.get(action) ?? 0;
        if (throttle > 0) {
          this.throttling.set(action, throttle - 1);
          this.throttled.set(action, (this.throttled.get(action) ?? 0) + 1);
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        if (this.failing.has(action) || (this.failingBodyText !== undefined && body.includes(this.failingBodyText))) {
          res.writeHead(500, { 'content-type': 'text/xml' });
          res.end('<Response><Errors><Error><Code>InternalError</Code><Message>injected failure</Message></Error></Errors></Response>');
          return;
        }
        const forward = () => {
          const upstream = request(new URL(req.url ?? '/', this.target), { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          });
          upstream.on('error', (error) => { res.writeHead(502); res.end(String(error)); });
          upstream.end(body);
        };
        if (this.latencyMs > 0) setTimeout(forward, this.latencyMs); else forward();
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(action: string): number {
    return this.calls.filter((c) => c === action).length;
  }

  reset(): void {
    this.calls.length = 0;
    this.failing.clear();
    this.throttling.clear();
    this.throttled.clear();
    this.failingBodyText = undefined;
    this.latencyMs = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function actionOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return new URLSearchParams(body).get('Action') ?? new URL(req.url ?? '/', 'http://x').searchParams.get('Action') ?? 'unknown';
}

/**
 * A moto server with a call counter in front of it, for the tests of one file: started before them,
 * stopped after. Read `aws.moto` and `aws.counter` inside tests.
 */
export function useMotoWithCallCounter(): { readonly moto: Moto; readonly counter: AwsCallCounter } {
  const aws = {} as { moto: Moto; counter: AwsCallCounter };
  beforeAll(async () => {
    aws.moto = await startMoto();
    aws.counter = await AwsCallCounter.start(aws.moto.endpoint);
  });
  afterAll(async () => {
    await aws.counter?.stop();
    await aws.moto?.stop();
  });
  return aws;
}
