import type { SourceProblem } from './sources';
import { ledgerPrefix } from '../../src/contract/ledger-keys';
import type { Ledger } from '../ingest/ledger/table';
import { readVersioned, writeVersioned, type Versioned } from '../ingest/ledger/versioned-item';
import type { SilentAccount, UncoveredHost } from '../shared/alert';
import { isObject } from '../shared/values';

/**
 * What the last coverage runs found, one ledger item written with a condition on the version read
 * (two overlapping runs never overwrite each other):
 *   pk `coverage#state`, sk `checkpoint` – per region, when it was last checked and what was dark
 *   there; and what the last coverage alert reported, so the next one goes out only on a change.
 * A region a run had no time for keeps its last result; the next run checks it first.
 */

export const STATE_KEY = { pk: `${ledgerPrefix('coverage')}state`, sk: 'checkpoint' } as const;
const STATE_TTL_SECONDS = 90 * 24 * 60 * 60;
/** Hosts kept per region and category: the alert lists 100; the keys (what changes are judged by) are all kept. */
export const HOSTS_KEPT = 200;

export interface HostCounts {
  readonly covered: number;
  readonly silent: number;
  readonly neverSeen: number;
  readonly exempt: number;
  readonly tooNew: number;
}

export interface RegionResult {
  readonly checkedAt: number;
  /** Silent and never-seen hosts, at most HOSTS_KEPT of each. */
  readonly hosts: UncoveredHost[];
  /** Every dark host's key, `region/instance id`. */
  readonly hostKeys: string[];
  readonly problems: SourceProblem[];
  readonly counts: HostCounts;
}

export interface CoverageState {
  readonly regions: Record<string, RegionResult>;
  /** Deployments whose heartbeat stopped (where heartbeats are recorded), as the last run judged them. */
  readonly accounts?: SilentAccount[];
  /** The keys the last coverage alert reported dark (hosts and region problems). */
  readonly reported: string[];
}

/** The state as read: its version, and why it could not be read (the run starts afresh). */
export type StoredState = Versioned<CoverageState>;

export const EMPTY_STATE: CoverageState = { regions: {}, reported: [] };

export function readState(ledger: Ledger): Promise<StoredState> {
  return readVersioned(ledger, STATE_KEY, checkState, EMPTY_STATE, 'coverage state');
}

/** Writes the state if nobody changed it since it was read; false if somebody did. */
export function writeState(ledger: Ledger, stored: StoredState, state: CoverageState, nowMs: number): Promise<boolean> {
  return writeVersioned(ledger, STATE_KEY, stored, state, nowMs, STATE_TTL_SECONDS);
}

function checkState(value: unknown): CoverageState {
  if (!isObject(value) || !isObject(value.regions) || !Array.isArray(value.reported)) throw new Error('not a coverage state');
  for (const [region, result] of Object.entries(value.regions)) {
    if (!isObject(result) || typeof result.checkedAt !== 'number' || !Array.isArray(result.hosts) || !Array.isArray(result.hostKeys)
      || !Array.isArray(result.problems) || !isObject(result.counts)) {
      throw new Error(`region ${region} is not a region result`);
    }
  }
  if (!value.reported.every((k) => typeof k === 'string')) throw new Error('reported is not a list of keys');
  if (value.accounts !== undefined && !Array.isArray(value.accounts)) throw new Error('accounts is not a list');
  return value as unknown as CoverageState;
}
