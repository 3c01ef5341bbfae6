import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Lambda's Invoke API (moto runs functions only in Docker, which these
 * machines lack): `POST /2015-03-31/functions/<name>/invocations` runs `handle` with the payload,
 * and answers as Lambda does, the result as the body, or a handled error with
 * `X-Amz-Function-Error: Unhandled`. Point a client at it with `AWS_ENDPOINT_URL_LAMBDA`.
 */
export class LambdaInvokeFake {
  static async start(handle: (functionName: string, payload: unknown) => Promise<unknown>): Promise<LambdaInvokeFake> {
    const fake = new LambdaInvokeFake(handle);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  readonly invocations: Array<{ functionName: string; payload: unknown }> = [];
  private readonly server: Server;

  private constructor(handle: (functionName: string, payload: unknown) => Promise<unknown>) {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `not Invoke: ${req.method} ${req.url}` }));
          return;
        }
        const functionName = decodeURIComponent(match[1]);
        const payload = body ? JSON.parse(body) : undefined;
        this.invocations.push({ functionName, payload });
        handle(functionName, payload).then(
          (result) => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(JSON.stringify(result ?? null)),
          (error: Error) => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
            .end(JSON.stringify({ errorType: error.name, errorMessage: error.message })),
        );
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
