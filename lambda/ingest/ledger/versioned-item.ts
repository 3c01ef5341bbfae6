import type { CheckpointItem } from './items';
import type { Ledger } from './table';

/**
 * One ledger item holding a function's own state as JSON (sk `checkpoint`), written only if it is
 * at the version read, so two overlapping runs (or two concurrent writers) never overwrite each
 * other: the reconciler's checkpoint, the coverage run's state and the heartbeats it records.
 */

export interface Versioned<T> {
  readonly state: T;
  readonly version?: number;
  /** Why the stored item could not be read (the caller starts afresh from `empty`). */
  readonly problem?: string;
}

export interface VersionedKey {
  readonly pk: string;
  readonly sk: 'checkpoint';
}

/** The item's state, checked by `check` (which throws on a wrong shape), or `empty`. */
export async function readVersioned<T>(
  ledger: Ledger, key: VersionedKey, check: (value: unknown) => T, empty: T, what: string,
): Promise<Versioned<T>> {
  const item = (await ledger.get([key])).get(key.pk);
  if (item?.sk !== 'checkpoint') return { state: empty };
  try {
    return { state: check(JSON.parse(item.state)), version: item.version };
  } catch (error) {
    return { state: empty, version: item.version, problem: `${what} unreadable, starting afresh: ${(error as Error).message}` };
  }
}

/** Writes `state` if nobody changed the item since `read`; false if somebody did. */
export async function writeVersioned<T>(
  ledger: Ledger, key: VersionedKey, read: Pick<Versioned<T>, 'version'>, state: T, nowMs: number, ttlSeconds: number,
): Promise<boolean> {
  const item: CheckpointItem = {
    ...key,
    state: JSON.stringify(state),
    version: (read.version ?? 0) + 1,
    expiresAt: Math.floor(nowMs / 1000) + ttlSeconds,
  };
  return (await ledger.putIfUnchanged([{ item, expectedVersion: read.version }])).length === 0;
}
