import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack's Web API (`https://slack.com/api/<method>`), reached through
 * `@slack/web-api`'s `slackApiUrl` option (the functions' SLACK_API_URL). It records every call
 * (method, arguments decoded from the form body, bearer token) and answers the way Slack does:
 * `chat.postMessage` to a user id lands in that user's DM channel (`D…`) with a fresh `ts`,
 * `users.lookupByEmail` finds the users given, `usergroups.users.list` the groups given. Scripted
 * failures answer a method with Slack's errors: `{ok:false, error}` or HTTP 429 with Retry-After.
 */

export interface SlackCall {
  readonly method: string;
  readonly args: Record<string, any>;
  readonly token?: string;
  /** Answered 503: Slack was down. */
  readonly refused?: boolean;
}

export interface SlackFailure {
  /** Slack's `error` code (`invalid_auth`, `channel_not_found`, `user_not_found`…), with HTTP 200. */
  readonly error?: string;
  /** Answer HTTP 429 with this Retry-After (seconds) instead. */
  readonly retryAfterSeconds?: number;
  /** Only for calls whose `channel` argument is this. */
  readonly channel?: string;
}

export class FakeSlack {
  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  readonly calls: SlackCall[] = [];
  /** email → user id, for users.lookupByEmail. */
  readonly users = new Map<string, string>();
  /** user group id → member ids, for usergroups.users.list. */
  readonly groups = new Map<string, string[]>();
  /** How long every answer waits (a slow Slack). */
  delayMs = 0;
  /** Slack unavailable: every call is answered HTTP 503 (and recorded) until this is set false again. */
  down = false;
  private readonly failures: Array<{ method: string; failure: SlackFailure; times: number }> = [];
  private ts = 0;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
        const args = decodeForm(body);
        const token = req.headers.authorization?.replace(/^Bearer /, '');
        this.calls.push({ method, args, token, ...(this.down && { refused: true }) });
        if (this.down) {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('Service Unavailable');
          return;
        }
        const failure = this.takeFailure(method, args);
        if (failure?.retryAfterSeconds !== undefined) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfterSeconds) });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        const answer = failure?.error ? { ok: false, error: failure.error } : this.answer(method, args);
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        }, this.delayMs);
      });
    });
  }

  /** The base URL to give the client (SLACK_API_URL). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  /** Answers the next `times` calls of `method` (matching `failure.channel`, if given) with the failure. */
  fail(method: string, failure: SlackFailure, times = 1): void {
    this.failures.push({ method, failure, times });
  }

  /** The calls of `method` Slack took (not refused while down). */
  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method && !c.refused);
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.length = 0;
    this.delayMs = 0;
    this.down = false;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFailure(method: string, args: Record<string, any>): SlackFailure | undefined {
    const matches = (f: FakeSlack['failures'][number]) => f.method === method && f.times > 0 && (f.failure.channel ?? args.channel) === args.channel;
    const index = this.failures.findIndex(matches);
    if (index < 0) return undefined;
    this.failures[index].times--;
    return this.failures[index].failure;
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage': {
        const channel = /^[UW]/.test(args.channel) ? `D${args.channel.slice(1)}` : args.channel;
        return { ok: true, channel, ts: `${1_760_000_000 + ++this.ts}.000100`, message: { text: args.text } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${1_760_000_000 + ++this.ts}.000200` };
      case 'users.lookupByEmail': {
        const id = this.users.get(args.email);
        return id ? { ok: true, user: { id, profile: { email: args.email } } } : { ok: false, error: 'users_not_found' };
      }
      case 'usergroups.users.list': {
        const members = this.groups.get(args.usergroup);
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** `@slack/web-api` sends form fields, objects as JSON strings: decoded back here. */
function decodeForm(body: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
