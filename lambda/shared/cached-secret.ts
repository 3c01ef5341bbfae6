import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A Secrets Manager value read at run time and reused for a short while, so a warm function makes
 * no call per message but still picks up a rotated secret within minutes. The value is never logged.
 * Powertools' Parameters utility reads and caches it (max age, a forced read after `invalidate`);
 * what is ours is the secret's shape (a field, checked) and remembering what to redact.
 */
export class CachedSecret {
  private readonly provider: SecretsProvider;
  private refetch = false;
  /** The last secret string read and its checked value: a cached read is not parsed and checked again per message. */
  private last?: { readonly secretString: string; readonly value: string };
  /** Every secret string read lately (the whole string and the value), for redaction even after a rotation. */
  private readonly seen = new Set<string>();

  constructor(
    client: SecretsManagerClient,
    private readonly secretArn: string,
    /** A JSON key inside the secret, or undefined to use the whole secret string. */
    private readonly field: string | undefined,
    /** Throws a SecretError, naming the secret's ARN only, when the value has the wrong shape. */
    private readonly validate: (value: string, secretArn: string, field: string | undefined) => void = () => {},
    private readonly ttlMs = 5 * 60_000,
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
  }

  async value(): Promise<string> {
    const secretString = await this.provider.get(this.secretArn, { maxAge: Math.ceil(this.ttlMs / 1000), forceFetch: this.refetch });
    this.refetch = false;
    if (typeof secretString !== 'string') throw new SecretError(`secret ${this.secretArn} has no string value`);
    if (this.last?.secretString === secretString) return this.last.value;
    this.remember(secretString);
    const value = this.field === undefined ? secretString.trim() : readField(secretString, this.field, this.secretArn);
    if (value === '') throw new SecretError(`secret ${this.secretArn}${this.field ? ` field ${this.field}` : ''} is empty`);
    this.remember(value);
    this.validate(value, this.secretArn, this.field);
    this.last = { secretString, value };
    return value;
  }

  /** The secret strings read lately: what a log line, an error or a dead letter must never contain. */
  knownValues(): string[] {
    return [...this.seen];
  }

  private remember(value: string): void {
    if (value.trim() === '') return;
    this.seen.delete(value);
    this.seen.add(value);
    if (this.seen.size > 6) this.seen.delete(this.seen.values().next().value!);
  }

  /** Forgets the value, e.g. after the receiver rejected it, so the next call reads the secret again. */
  invalidate(): void {
    this.refetch = true;
  }
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

function readField(secretString: string, field: string, arn: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new SecretError(`secret ${arn} is not JSON, so it has no field ${field}`);
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string') throw new SecretError(`secret ${arn} has no string field ${field}`);
  return value.trim();
}
