import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP proxy in front of moto, given to the functions as their AWS_ENDPOINT_URL, for the
 * races and outages moto alone cannot show:
 *
 * - DynamoDB requests are handled one at a time. Real DynamoDB serializes the writes to an item, so
 *   of two conditional writes racing on it exactly one wins; moto's threaded server gives no such
 *   promise, and a race test on it could pass or fail by luck.
 * - `slowDown(action, ms)` holds an API action's answer (for example SNS `PublishBatch`), widening
 *   the window in which racing invocations overlap.
 * - `refuse(action)` answers an action with a 403 error, as SNS does when a topic policy or KMS
 *   key refuses the publisher, until `allow(action)`.
 *
 * Everything else passes through untouched.
 */
export class AwsProxy {
  static async start(target: string): Promise<AwsProxy> {
    const proxy = new AwsProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Every action that passed, in order of arrival (`DynamoDB_20120810.UpdateItem`, `PublishBatch`…). */
  readonly actions: string[] = [];
  private readonly delays = new Map<string, number>();
  private readonly refused = new Set<string>();
  private dynamoQueue: Promise<void> = Promise.resolve();
  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const action = actionOf(req.headers['x-amz-target'], body);
        this.actions.push(action);
        if (this.refused.has(action)) {
          res.writeHead(403, { 'content-type': 'text/xml' });
          res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>refused by the test proxy</Message></Error><RequestId>proxy</RequestId></ErrorResponse>');
          return;
        }
        const forward = () => new Promise<void>((done) => {
          const upstream = request({
            host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers,
          }, (answer) => {
            const answerChunks: Buffer[] = [];
            answer.on('data', (c: Buffer) => answerChunks.push(c));
            answer.on('end', () => {
              setTimeout(() => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                res.end(Buffer.concat(answerChunks));
                done();
              }, this.delays.get(action) ?? 0);
            });
          });
          upstream.on('error', (error) => {
            res.writeHead(502);
            res.end(String(error));
            done();
          });
          upstream.end(body);
        });
        if (action.startsWith('DynamoDB_')) {
          this.dynamoQueue = this.dynamoQueue.then(forward);
        } else {
          void forward();
        }
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  slowDown(action: string, ms: number): void {
    this.delays.set(action, ms);
  }

  refuse(action: string): void {
    this.refused.add(action);
  }

  allow(action: string): void {
    this.refused.delete(action);
  }

  count(action: string): number {
    return this.actions.filter((a) => a === action).length;
  }

  reset(): void {
    this.actions.length = 0;
    this.delays.clear();
    this.refused.clear();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** JSON protocols name the action in X-Amz-Target; query protocols (SNS) in the form body. */
function actionOf(target: string | string[] | undefined, body: Buffer): string {
  if (typeof target === 'string') return target;
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1] ?? 'unknown';
}
