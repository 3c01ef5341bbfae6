import { ConfigError } from '../ingest/config';
import { commaList } from '../shared/values';

/**
 * The reconciler's own settings, besides the ingest function's (it makes alerts exactly as ingest
 * does, from the same variables). The names are a public interface, like ingest's.
 */
export interface ReconcileConfig {
  /** `RECONCILE_LOG_GROUPS` (comma-separated names): the SSH log groups re-read. */
  readonly logGroups: string[];
  /** `RECONCILE_LOG_GROUP_PREFIXES` (comma-separated): with `allLogGroups`, every log group whose name starts so. */
  readonly logGroupPrefixes: string[];
  /** `RECONCILE_EXCLUDED_LOG_GROUPS` (comma-separated): names the prefixes never bring in (the library's own). */
  readonly excludedLogGroups: string[];
  /** `RECONCILE_REGIONS` (comma-separated): whose CloudTrail event history is re-read; default `AWS_REGION`. */
  readonly regions: string[];
  /** `RECONCILE_EVENT_NAMES` (comma-separated): the CloudTrail event names looked up, one series each. */
  readonly eventNames: string[];
  /** `RECONCILE_INTERVAL_SECONDS` (default 3600): how often the schedule runs; the first window's length. */
  readonly intervalMs: number;
  /** `RECONCILE_OVERLAP_SECONDS` (default 1200): how far each window reaches back before the last one's end. */
  readonly overlapMs: number;
  /** `RECONCILE_SETTLE_SECONDS` (default 600): logins younger than this are left to the real-time path and the next run. */
  readonly settleMs: number;
  /** `RECONCILE_PAGE_SIZE` (default 10000, FilterLogEvents' most): log events per page. */
  readonly pageSize: number;
  /** `RECONCILE_LOOKUPS_PER_SECOND` (default 2, CloudTrail's quota per region): LookupEvents calls per second and region. */
  readonly lookupsPerSecond: number;
}

export function readReconcileConfig(env: NodeJS.ProcessEnv): ReconcileConfig {
  const number = (name: string, fallback: number, min: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be a number of at least ${min}: ${text}`);
    return value;
  };
  if (!env.LEDGER_TABLE_NAME) throw new ConfigError('LEDGER_TABLE_NAME is not set: reconciliation needs the ledger to know what was alerted');
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const regions = commaList(env.RECONCILE_REGIONS);
  return {
    logGroups: commaList(env.RECONCILE_LOG_GROUPS),
    logGroupPrefixes: commaList(env.RECONCILE_LOG_GROUP_PREFIXES),
    excludedLogGroups: commaList(env.RECONCILE_EXCLUDED_LOG_GROUPS),
    regions: regions.length > 0 ? [...new Set(regions)] : region ? [region] : [],
    eventNames: commaList(env.RECONCILE_EVENT_NAMES),
    intervalMs: number('RECONCILE_INTERVAL_SECONDS', 3600, 60) * 1000,
    overlapMs: number('RECONCILE_OVERLAP_SECONDS', 1200, 0) * 1000,
    settleMs: number('RECONCILE_SETTLE_SECONDS', 600, 0) * 1000,
    pageSize: Math.min(number('RECONCILE_PAGE_SIZE', 10_000, 1), 10_000),
    lookupsPerSecond: number('RECONCILE_LOOKUPS_PER_SECOND', 2, 0.01),
  };
}
