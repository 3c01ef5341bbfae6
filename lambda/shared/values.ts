/** Type guards for reading untrusted JSON without trusting its shape. */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a non-empty string, else undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A comma-separated setting as its trimmed, non-empty items (`'a, b,'` → `['a', 'b']`; unset → `[]`). */
export function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/** ISO-8601 UTC for any date string `Date.parse` reads, else undefined. */
export function toIsoUtc(value: unknown): string | undefined {
  const text = nonEmptyString(value);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The account of the invoked function, from `context.invokedFunctionArn` (`arn:aws:lambda:region:account:function:name`). */
export function invokedAccount(invokedFunctionArn: string | undefined): string {
  return invokedFunctionArn?.split(':')[4] ?? 'unknown';
}

/** An environment variable the function cannot run without. */
export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
