import { isAccountId, isRegionName } from '../../src/contract/aws-ids';
import { ledgerPrefix } from '../../src/contract/ledger-keys';
import type { Ledger } from '../ingest/ledger/table';
import { readVersioned, writeVersioned, type Versioned } from '../ingest/ledger/versioned-item';
import type { SilentAccount } from '../shared/alert';
import { deploymentLabel, type Heartbeat } from '../shared/heartbeat';
import { isObject } from '../shared/values';

/**
 * Where the alert topic is, the last heartbeat of each deployment (account and region) that sent
 * one, in one ledger item: pk `coverage#heartbeats`, sk `checkpoint`, `{"<account>/<region>": ms}`.
 * Written with a condition on the version read, retried on a conflict: heartbeats of many members
 * arrive concurrently, and none may overwrite another's.
 */

export const HEARTBEATS_KEY = { pk: `${ledgerPrefix('coverage')}heartbeats`, sk: 'checkpoint' } as const;
/** A heartbeat item nobody wrote for this long (no deployment ran coverage) is dropped by DynamoDB. */
const HEARTBEATS_TTL_SECONDS = 400 * 24 * 60 * 60;
const WRITE_ATTEMPTS = 6;

/** `account/region` → the time of its last heartbeat (epoch ms). */
export type Heartbeats = Record<string, number>;

export function readHeartbeats(ledger: Ledger): Promise<Versioned<Heartbeats>> {
  return readVersioned(ledger, HEARTBEATS_KEY, checkHeartbeats, {}, 'heartbeats');
}

/**
 * Records `beats` (each kept only if newer than what is there), re-reading and retrying when
 * another writer got in between. Throws after WRITE_ATTEMPTS conflicts: the SNS delivery is then
 * retried by Lambda, so a heartbeat is late, never lost.
 */
export async function recordHeartbeats(
  ledger: Ledger, beats: readonly Heartbeat[], nowMs: number, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
): Promise<{ attempts: number }> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const read = await readHeartbeats(ledger);
    const next: Heartbeats = { ...read.state };
    for (const beat of beats) {
      const key = deploymentLabel(beat);
      next[key] = Math.max(next[key] ?? 0, beat.atMs);
    }
    if (await writeVersioned(ledger, HEARTBEATS_KEY, read, next, nowMs, HEARTBEATS_TTL_SECONDS)) return { attempts: attempt };
    await sleep(Math.random() * 50 * 2 ** attempt);
  }
  throw new Error(`heartbeats not recorded: the ledger item changed under each of ${WRITE_ATTEMPTS} attempts`);
}

export interface HeartbeatJudgement {
  readonly silentAfterMs: number;
  /** Accounts expected to report (`coverage.memberAccounts`): one never heard from is named too. */
  readonly expectedAccounts: readonly string[];
  readonly nowMs: number;
}

/** Each deployment whose last heartbeat is older than `silentAfterMs`, and each expected account never heard from, sorted. */
export function silentAccounts(beats: Heartbeats, options: HeartbeatJudgement): SilentAccount[] {
  const silent: SilentAccount[] = [];
  const heard = new Set<string>();
  for (const [key, atMs] of Object.entries(beats)) {
    const [account, region] = key.split('/');
    heard.add(account);
    if (options.nowMs - atMs <= options.silentAfterMs) continue;
    const at = new Date(atMs).toISOString();
    silent.push({
      account,
      region,
      lastHeartbeatAt: at,
      reason: `no heartbeat since ${at}: is its LoginAlerts (with coverage) still deployed there, its coverage function running, and its ingest function publishing? `
        + 'its coverage function\'s log there says why (README, "Coverage")',
    });
  }
  for (const account of options.expectedAccounts) {
    if (heard.has(account)) continue;
    silent.push({
      account,
      reason: 'never sent a heartbeat: deploy LoginAlerts there with this topic and coverage on (README, "Coverage")',
    });
  }
  return silent.sort((a, b) => silentKey(a).localeCompare(silentKey(b)));
}

/** The key a silent deployment has among the dark keys: `heartbeat: account/region` (or the account alone). */
export function silentKey(account: SilentAccount): string {
  return `heartbeat: ${deploymentLabel(account)}`;
}

function checkHeartbeats(value: unknown): Heartbeats {
  if (!isObject(value)) throw new Error('not a heartbeat record');
  for (const [key, at] of Object.entries(value)) {
    const [account, region, ...rest] = key.split('/');
    if (!isAccountId(account) || !isRegionName(region ?? '') || rest.length > 0 || typeof at !== 'number') throw new Error(`${key} is not a heartbeat`);
  }
  return value as Heartbeats;
}
