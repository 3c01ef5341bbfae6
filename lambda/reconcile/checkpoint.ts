import type { Cursor, Source, Window } from './records';
import { ledgerPrefix } from '../../src/contract/ledger-keys';
import type { Ledger } from '../ingest/ledger/table';
import { readVersioned, writeVersioned, type Versioned } from '../ingest/ledger/versioned-item';
import { isObject } from '../shared/values';

/**
 * Where reconciliation stands, one ledger item written with a condition on the version read (two
 * overlapping runs never overwrite each other's progress):
 *   pk `reconcile#checkpoint`, sk `checkpoint` – `through` (the end of the last window finished)
 *   and, for a run cut by its time budget, the window it was in and the cursors still pending.
 * A run with a pending window finishes it first; the next window starts `overlap` before `through`.
 */

export const CHECKPOINT_KEY = { pk: `${ledgerPrefix('reconcile')}checkpoint`, sk: 'checkpoint' } as const;
/** A reconciler switched off for longer starts afresh. */
const CHECKPOINT_TTL_SECONDS = 90 * 24 * 60 * 60;
/** However long since the last run, one window reaches back at most this far (the ledger keeps 35 days). */
export const MAX_LOOK_BACK_MS = 7 * 24 * 60 * 60_000;

export interface ReconcileState {
  readonly through?: number;
  readonly run?: Window & { readonly pending: Cursor[] };
}

/** The checkpoint as read: its version, and why it could not be read (the run starts afresh). */
export type Checkpoint = Versioned<ReconcileState>;

export function readCheckpoint(ledger: Ledger): Promise<Checkpoint> {
  return readVersioned(ledger, CHECKPOINT_KEY, checkState, {}, 'checkpoint');
}

/** Writes the state if nobody changed the checkpoint since it was read; false if somebody did. */
export function writeCheckpoint(ledger: Ledger, checkpoint: Checkpoint, state: ReconcileState, nowMs: number): Promise<boolean> {
  return writeVersioned(ledger, CHECKPOINT_KEY, checkpoint, state, nowMs, CHECKPOINT_TTL_SECONDS);
}

export interface WindowPlan {
  readonly window: Window;
  /** Set when the time since the last run was longer than one window may reach back. */
  readonly cut?: string;
}

/** The next window: from `overlap` before the last one's end (or one interval ago) to `settle` ago. */
export interface WindowOptions {
  readonly intervalMs: number;
  readonly overlapMs: number;
  readonly settleMs: number;
}

export function nextWindow(state: ReconcileState, nowMs: number, options: WindowOptions): WindowPlan | undefined {
  const end = nowMs - options.settleMs;
  const from = (state.through ?? end - options.intervalMs) - options.overlapMs;
  const start = Math.max(from, end - MAX_LOOK_BACK_MS);
  if (end <= start) return undefined;
  return {
    window: { start, end },
    ...(start > from && { cut: `the last finished window ended ${new Date(state.through ?? from).toISOString()}; only the last 7 days are re-read` }),
  };
}

function checkState(value: unknown): ReconcileState {
  if (!isObject(value)) throw new Error('not an object');
  const through = value.through;
  if (through !== undefined && typeof through !== 'number') throw new Error('through is not a number');
  const run = value.run;
  if (run === undefined) return { ...(through !== undefined && { through }) };
  if (!isObject(run) || typeof run.start !== 'number' || typeof run.end !== 'number' || !Array.isArray(run.pending)) throw new Error('run is not a window with cursors');
  const pending = run.pending.map((cursor: unknown): Cursor => {
    if (!isObject(cursor) || !isSource(cursor.source)) throw new Error('a pending cursor names no source');
    return { source: cursor.source, ...(typeof cursor.nextToken === 'string' && { nextToken: cursor.nextToken }) };
  });
  return { ...(through !== undefined && { through }), run: { start: run.start, end: run.end, pending } };
}

function isSource(value: unknown): value is Source {
  if (!isObject(value)) return false;
  if (value.kind === 'logs') return typeof value.logGroup === 'string';
  return value.kind === 'cloudtrail' && typeof value.region === 'string' && typeof value.eventName === 'string';
}
