import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';

/**
 * A Slack or PagerDuty stand-in that fails a share of requests the ways real endpoints do: 500,
 * 429 with Retry-After, a hang past the client's timeout, a dropped connection. Decisions come from
 * a seeded generator, so a run is repeatable. It records which alerts it accepted (answered 2xx).
 */
export type Fault = '500' | '429' | 'hang' | 'drop' | 'outage';

export interface FaultyReceiverOptions {
  /** Share of requests answered with a fault. */
  readonly failureRate: number;
  readonly seed: number;
  /** The success status: 200 for Slack, 202 for PagerDuty. */
  readonly okStatus: number;
  readonly alertIdOf: (body: any) => string | undefined;
  /**
   * An outage measured in attempts, not in time (so it is the same on a busy machine): the first
   * `outageAttempts` requests for each alert are answered 503. 1 is an outage shorter than Lambda's
   * retry window (the first attempt fails, a retry gets through); 3 or more outlasts it.
   */
  readonly outageAttempts?: number;
}

export class FaultyReceiver {
  static async start(options: FaultyReceiverOptions): Promise<FaultyReceiver> {
    const receiver = new FaultyReceiver(options);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** Alert ids answered 2xx (a delivered alert, possibly more than once). */
  readonly accepted = new Map<string, number>();
  readonly faults: Record<Fault, number> = { 500: 0, 429: 0, hang: 0, drop: 0, outage: 0 };
  requests = 0;
  /** Requests seen per alert id, for outages counted in attempts. */
  private readonly attempts = new Map<string, number>();
  private random: () => number;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(private readonly options: FaultyReceiverOptions) {
    this.random = seededRandom(options.seed);
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        this.requests++;
        let id: string | undefined;
        try { id = this.options.alertIdOf(JSON.parse(body)); } catch { id = undefined; }
        const attempt = (this.attempts.get(id ?? '') ?? 0) + 1;
        this.attempts.set(id ?? '', attempt);
        if (this.options.outageAttempts !== undefined && attempt <= this.options.outageAttempts) {
          this.faults.outage++;
          res.writeHead(503).end('service_unavailable');
          return;
        }
        const fault = this.pickFault();
        if (fault) this.faults[fault]++;
        switch (fault) {
          case '500': res.writeHead(500).end('internal_error'); return;
          case '429': res.writeHead(429, { 'retry-after': '1' }).end('rate_limited'); return;
          case 'hang': return;
          case 'drop': req.socket.destroy(); return;
        }
        if (id) this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
        res.writeHead(this.options.okStatus).end('ok');
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

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private pickFault(): Fault | undefined {
    if (this.random() >= this.options.failureRate) return undefined;
    return (['500', '429', 'hang', 'drop'] as const)[Math.floor(this.random() * 4)];
  }
}

/** A repeatable, uniform sequence of numbers in [0, 1) from fast-check's seeded generator (bias off). */
function seededRandom(seed: number): () => number {
  const values = fc.sample(fc.noBias(fc.integer({ min: 0, max: 999_999 })), { seed, numRuns: 20_000 }).map((n) => n / 1_000_000);
  let index = 0;
  return () => values[index++ % values.length];
}
