import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for Slack's webhook endpoint or PagerDuty's Events API: records every request
 * and answers with the next scripted reply (or the default one), including the failure modes a
 * destination must survive: error statuses, `Retry-After`, and never answering at all.
 */
export interface Reply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Never answer (until the receiver stops): the client must time out. */
  readonly hang?: boolean;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: any;
  readonly at: number;
}

export class HttpReceiver {
  static async start(defaultReply: Reply): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(defaultReply);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  readonly requests: ReceivedRequest[] = [];
  private readonly script: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(private readonly defaultReply: Reply) {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, at: Date.now() });
        this.answer(res, this.script.shift() ?? this.defaultReply);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next replies, in order; afterwards the default reply again. */
  reply(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  /** Waits until at least `count` requests arrived (moto delivers HTTP subscriptions as it publishes). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(res: ServerResponse, reply: Reply): void {
    if (reply.hang) return;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body ?? '');
  }
}
