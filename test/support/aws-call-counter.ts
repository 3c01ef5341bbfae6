import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMoto, type Moto } from './moto';

/**
 * A loopback HTTP proxy in front of moto that counts the AWS API calls passing through it (by
 * `Action=` in query-protocol bodies or the `X-Amz-Target` header) and can fail chosen actions.
 * Point a function's AWS_ENDPOINT_URL at it to see exactly what the function asked AWS.
 *
 * For race tests: with `serializeDynamoDb`, DynamoDB requests are handled one at a time. Real
 * DynamoDB serializes the writes to an item, so of two conditional writes racing on it exactly one
 * wins. moto's threaded server applies a TransactWriteItems without isolation: it copies the table,
 * and when a condition fails restores the copy, erasing a write that landed meanwhile. A race test
 * on it can pass by luck, or fail by moto's (a reconcile run once claimed a record twice that way).
 * `slowActions` holds chosen answers back, widening the window in which racing invocations overlap.
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
  /** DynamoDB requests one at a time, as DynamoDB serializes the writes to an item. */
  serializeDynamoDb = false;
  /** Actions whose answer is held back this many milliseconds (a slow SNS publish). */
  readonly slowActions = new Map<string, number>();
  /**
   * Rewrites moto's answer to an action, for what moto cannot be told (it stamps every instance
   * launched now: a test dates them back). Every use says so in its test.
   */
  readonly rewriteAnswers = new Map<string, (body: string) => string>();
  private dynamoDbQueue: Promise<void> = Promise.resolve();
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
        const hold = this.slowActions.get(action) ?? 0;
        const forward = () => new Promise<void>((done) => {
          const upstream = request(new URL(req.url ?? '/', this.target), { method: req.method, headers: req.headers }, (up) => {
            const answer: Buffer[] = [];
            up.on('data', (c: Buffer) => answer.push(c));
            up.on('end', () => setTimeout(() => {
              const rewrite = this.rewriteAnswers.get(action);
              const out = rewrite ? Buffer.from(rewrite(Buffer.concat(answer).toString('utf8'))) : Buffer.concat(answer);
              res.writeHead(up.statusCode ?? 502, rewrite ? { ...up.headers, 'content-length': String(out.length) } : up.headers);
              res.end(out);
              done();
            }, hold));
          });
          upstream.on('error', (error) => { res.writeHead(502); res.end(String(error)); done(); });
          upstream.end(body);
        });
        const send = () => {
          if (this.serializeDynamoDb && String(req.headers['x-amz-target'] ?? '').startsWith('DynamoDB_')) {
            this.dynamoDbQueue = this.dynamoDbQueue.then(forward);
          } else {
            void forward();
          }
        };
        if (this.latencyMs > 0) setTimeout(send, this.latencyMs); else send();
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
    this.serializeDynamoDb = false;
    this.slowActions.clear();
    this.rewriteAnswers.clear();
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
