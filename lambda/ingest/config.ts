import { DEFAULT_HISTORY_DAYS } from './ledger/history';
import { DEFAULT_REPEAT_WINDOW_MS } from './ledger/repeats';
import { checkGeoDatabases, DEFAULT_TRAVEL_SPEED_KMH, type GeoDatabaseEntry } from '../../src/contract/geo-settings';
import { NetworkSet } from '../shared/networks';
import { commaList } from '../shared/values';

/**
 * The ingest function's settings, read once from its environment. The variable names are a public
 * interface (the construct sets them; users who wire the bundle themselves set them too).
 */
export interface IngestConfig {
  /** `ALERT_TOPIC_ARN`: where alerts are published. */
  readonly topicArn: string;
  /** `TRUSTED_CIDRS`: comma-separated ranges; SSH logins from inside are one severity lower. */
  readonly trustedNetworks: NetworkSet;
  /** `ENRICH_INSTANCES`: `false` turns EC2 lookups off. */
  readonly enrichInstances: boolean;
  /** `ENRICH_TASKS`: `false` turns ECS DescribeTasks lookups (ECS Exec's service, task definition, tags) off. */
  readonly enrichTasks: boolean;
  /** `RESOLVE_IDENTITY_CENTER_USERS`: `true` looks up the user name of an Identity Center user id with DescribeUser. */
  readonly resolveIdentityCenterUsers: boolean;
  /**
   * `ALERT_WINDOWS_LOGON_FAILURES`: `true` alerts failed Windows logons (event 4625); otherwise they
   * are counted (metric `WindowsLogonFailures`) and remembered for the success after them, not alerted.
   */
  readonly alertWindowsLogonFailures: boolean;
  /** `INSTANCE_CACHE_TTL_SECONDS`: how long instance, task and identity store lookups (hits and misses) are reused. */
  readonly instanceCacheTtlMs: number;
  /** `AWS_REGION`, set by Lambda. */
  readonly region: string;
  /** `ENRICHMENT_ROLE_ARNS` (comma-separated): roles in other accounts assumed to search them for instances. */
  readonly enrichmentRoleArns: string[];
  /** `LEDGER_TABLE_NAME`: the login ledger's DynamoDB table; unset, no ledger (no links across deliveries). */
  readonly ledgerTableName?: string;
  /** `PEOPLE_DIRECTORY`: `s3://bucket/key` or `ssm:<parameter name>` of the people directory's JSON. */
  readonly peopleDirectory?: string;
  /**
   * `IDENTITY_PROVIDER_ROLES` (comma-separated role names, `*` a wildcard): roles whose session names
   * the user's identity provider sets, so a session name there may name a person.
   */
  readonly identityProviderRoles: string[];
  /** `ALERT_RULES`: the noise-control rules as JSON (README, "Noise control"), or `s3://bucket/key` of that JSON. */
  readonly alertRules?: string;
  /** `REPEAT_WINDOW_SECONDS` (default 600; 0 turns repeats off): the same login again within it is a repeat. */
  readonly repeatWindowMs: number;
  /** `HISTORY_DAYS` (default 90; 0 turns history off): how long the ledger remembers each person's sources. */
  readonly historyDays: number;
  /** `ROUTING_TAG_KEYS` (comma-separated): instance tag keys published as `tag.<key>` message attributes. */
  readonly routingTagKeys: string[];
  /** `GEO_DATABASES` (JSON: src/contract/geo-settings.ts): the IP databases in the geo layer; unset, no `geo`. */
  readonly geoDatabases?: GeoDatabaseEntry[];
  /** `GEO_TRUSTED_EGRESS_CIDRS` (comma-separated): the user's VPN and proxy ranges, not counted as places. */
  readonly trustedEgress: NetworkSet;
  /** `GEO_TRUSTED_EGRESS_ASNS` (comma-separated AS numbers): networks that are egress, not a place. */
  readonly trustedEgressAsns: Set<number>;
  /** `GEO_NEW_COUNTRY_RAISES` (`false`: said, not raised): a known person's first login from a country raises it one level. */
  readonly newCountryRaises: boolean;
  /** `GEO_TRAVEL_SPEED_KMH` (default 900; 0 turns impossible travel off). */
  readonly travelSpeedKmh: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function readConfig(env: NodeJS.ProcessEnv): IngestConfig {
  const topicArn = env.ALERT_TOPIC_ARN;
  if (!topicArn) throw new ConfigError('ALERT_TOPIC_ARN is not set: the function does not know where to publish alerts');
  const ttlText = env.INSTANCE_CACHE_TTL_SECONDS ?? '300';
  const ttl = Number(ttlText);
  if (!Number.isFinite(ttl) || ttl < 0) throw new ConfigError(`INSTANCE_CACHE_TTL_SECONDS is not a number of seconds: ${ttlText}`);
  const cidrs = commaList(env.TRUSTED_CIDRS);
  let trustedNetworks: NetworkSet;
  try {
    trustedNetworks = NetworkSet.parse(cidrs);
  } catch (error) {
    throw new ConfigError(`TRUSTED_CIDRS: ${(error as Error).message}`);
  }
  let trustedEgress: NetworkSet;
  try {
    trustedEgress = NetworkSet.parse(commaList(env.GEO_TRUSTED_EGRESS_CIDRS));
  } catch (error) {
    throw new ConfigError(`GEO_TRUSTED_EGRESS_CIDRS: ${(error as Error).message}`);
  }
  let geoDatabases: GeoDatabaseEntry[] | undefined;
  if (env.GEO_DATABASES) {
    try {
      geoDatabases = checkGeoDatabases(JSON.parse(env.GEO_DATABASES));
    } catch (error) {
      throw new ConfigError(`GEO_DATABASES: ${(error as Error).message}`);
    }
  }
  const whole = (name: string, fallback: string) => {
    const text = env[name] ?? fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} is not a whole number: ${text}`);
    return value;
  };
  return {
    topicArn,
    repeatWindowMs: whole('REPEAT_WINDOW_SECONDS', String(DEFAULT_REPEAT_WINDOW_MS / 1000)) * 1000,
    historyDays: whole('HISTORY_DAYS', String(DEFAULT_HISTORY_DAYS)),
    routingTagKeys: commaList(env.ROUTING_TAG_KEYS),
    trustedEgress,
    trustedEgressAsns: new Set(commaList(env.GEO_TRUSTED_EGRESS_ASNS).map((asn) => {
      if (!/^\d+$/.test(asn)) throw new ConfigError(`GEO_TRUSTED_EGRESS_ASNS: ${JSON.stringify(asn)} is not an AS number`);
      return Number(asn);
    })),
    newCountryRaises: env.GEO_NEW_COUNTRY_RAISES !== 'false',
    travelSpeedKmh: whole('GEO_TRAVEL_SPEED_KMH', String(DEFAULT_TRAVEL_SPEED_KMH)),
    ...(geoDatabases && { geoDatabases }),
    identityProviderRoles: commaList(env.IDENTITY_PROVIDER_ROLES),
    trustedNetworks,
    enrichInstances: env.ENRICH_INSTANCES !== 'false',
    enrichTasks: env.ENRICH_TASKS !== 'false',
    resolveIdentityCenterUsers: env.RESOLVE_IDENTITY_CENTER_USERS === 'true',
    alertWindowsLogonFailures: env.ALERT_WINDOWS_LOGON_FAILURES === 'true',
    instanceCacheTtlMs: ttl * 1000,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'unknown',
    enrichmentRoleArns: commaList(env.ENRICHMENT_ROLE_ARNS),
    ...(env.LEDGER_TABLE_NAME && { ledgerTableName: env.LEDGER_TABLE_NAME }),
    ...(env.PEOPLE_DIRECTORY && { peopleDirectory: env.PEOPLE_DIRECTORY }),
    ...(env.ALERT_RULES && { alertRules: env.ALERT_RULES }),
  };
}
