/**
 * Bounds every string an alert took from its input, so that any alert fits SNS's 256 KiB message
 * (the alert JSON, the summary and the email text each repeat the user and key fields). The raw
 * line (`origin.message`) has its own, larger limit; `publish.ts` shrinks it further if needed.
 */

/** Longest value kept for any field but the raw line: far above real user names, fingerprints, tags. */
export const MAX_FIELD_CHARS = 1024;
const MARKER = '…';
const OWN_LIMIT = new Set(['origin.message']);

export interface Bounded<T> {
  readonly value: T;
  /** Dotted paths of the fields that were cut (`user`, `host.tags.Team`). */
  readonly cut: string[];
}

export function boundFields<T>(value: T, max = MAX_FIELD_CHARS): Bounded<T> {
  const cut: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      if (node.length <= max || OWN_LIMIT.has(path)) return node;
      cut.push(path);
      return node.slice(0, max - MARKER.length) + MARKER;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const boundedKey = key.length > max ? key.slice(0, max - MARKER.length) + MARKER : key;
        if (boundedKey !== key) cut.push(`${path}${path ? '.' : ''}${boundedKey}`);
        out[boundedKey] = walk(item, path ? `${path}.${key}` : key);
      }
      return out;
    }
    return node;
  };
  return { value: walk(value, '') as T, cut };
}
