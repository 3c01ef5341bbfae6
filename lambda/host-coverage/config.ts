import { isAccountId } from '../../src/contract/aws-ids';
import { ConfigError } from '../ingest/config';
import { commaList, required } from '../shared/values';

/**
 * The coverage function's settings. The names are a public interface, like ingest's.
 */
export interface CoverageConfig {
  /** `ALERT_TOPIC_ARN`: where the coverage alert goes. */
  readonly topicArn: string;
  /** `LEDGER_TABLE_NAME`: where what was last reported is kept. */
  readonly tableName: string;
  /** `ROUTING_TAG_KEYS`: as ingest's (a coverage alert carries no tags, but the attributes are the same set). */
  readonly routingTagKeys: string[];
  /** `COVERAGE_REGIONS` (comma-separated): whose running instances and sources are checked; default `AWS_REGION`. */
  readonly regions: string[];
  /** `COVERAGE_LOG_GROUPS` (comma-separated): the subscribed SSH and Windows log groups whose streams say who ships. */
  readonly logGroups: string[];
  /** `COVERAGE_LOG_GROUP_PREFIXES` (comma-separated): with `allLogGroups`, every log group under these too. */
  readonly logGroupPrefixes: string[];
  /** `COVERAGE_EXCLUDED_LOG_GROUPS` (comma-separated): never read under the prefixes (the library's own). */
  readonly excludedLogGroups: string[];
  /** `COVERAGE_SILENT_AFTER_SECONDS` (default 86400): a stream with nothing newer is silent. */
  readonly silentAfterMs: number;
  /** `COVERAGE_MIN_AGE_SECONDS` (default 3600): an instance younger than this has not shipped yet. */
  readonly minAgeMs: number;
  /** `COVERAGE_RULE_NAMES` (comma-separated): the construct's EventBridge rules in its own region. */
  readonly ruleNames: string[];
  /** `COVERAGE_FORWARDED_BUS_ARN`: the bus forwarders in other regions target, when the construct receives forwarded events. */
  readonly forwardedBusArn?: string;
  /** `COVERAGE_EXEMPT_TAGS` (JSON object, tag key → value, `*` for any value): instances never reported. */
  readonly exemptTags: Array<[string, string | undefined]>;
  /** `COVERAGE_SYSTEMS_MANAGER` (default true): ask Systems Manager why a dark host is dark. */
  readonly systemsManager: boolean;
  /** `COVERAGE_INGEST_FUNCTION`: the ingest function (ARN) asked for a heartbeat after each run; unset, none is sent. */
  readonly ingestFunction?: string;
  /** `COVERAGE_RECORDS_HEARTBEATS` (`true`): this deployment created the topic and records the heartbeats it receives. */
  readonly recordsHeartbeats: boolean;
  /** `COVERAGE_HEARTBEAT_SILENT_AFTER_SECONDS` (default 86400): a deployment with no newer heartbeat is silent. */
  readonly heartbeatSilentAfterMs: number;
  /** `COVERAGE_MEMBER_ACCOUNTS` (comma-separated): accounts expected to send heartbeats; one never heard from is named. */
  readonly memberAccounts: string[];
}

export function readCoverageConfig(env: NodeJS.ProcessEnv): CoverageConfig {
  const seconds = (name: string, fallback: number, min: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback * 1000;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be a number of seconds, at least ${min}: ${text}`);
    return value * 1000;
  };
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const regions = commaList(env.COVERAGE_REGIONS);
  return {
    topicArn: required(env, 'ALERT_TOPIC_ARN'),
    tableName: required(env, 'LEDGER_TABLE_NAME'),
    routingTagKeys: commaList(env.ROUTING_TAG_KEYS),
    regions: regions.length > 0 ? [...new Set(regions)] : region ? [region] : [],
    logGroups: commaList(env.COVERAGE_LOG_GROUPS),
    logGroupPrefixes: commaList(env.COVERAGE_LOG_GROUP_PREFIXES),
    excludedLogGroups: commaList(env.COVERAGE_EXCLUDED_LOG_GROUPS),
    silentAfterMs: seconds('COVERAGE_SILENT_AFTER_SECONDS', 86_400, 60),
    minAgeMs: seconds('COVERAGE_MIN_AGE_SECONDS', 3600, 0),
    ruleNames: commaList(env.COVERAGE_RULE_NAMES),
    ...(env.COVERAGE_FORWARDED_BUS_ARN && { forwardedBusArn: env.COVERAGE_FORWARDED_BUS_ARN }),
    exemptTags: exemptTags(env.COVERAGE_EXEMPT_TAGS),
    systemsManager: env.COVERAGE_SYSTEMS_MANAGER !== 'false',
    ...(env.COVERAGE_INGEST_FUNCTION && { ingestFunction: env.COVERAGE_INGEST_FUNCTION }),
    recordsHeartbeats: env.COVERAGE_RECORDS_HEARTBEATS === 'true',
    heartbeatSilentAfterMs: seconds('COVERAGE_HEARTBEAT_SILENT_AFTER_SECONDS', 86_400, 60),
    memberAccounts: accountList(env.COVERAGE_MEMBER_ACCOUNTS),
  };
}

function accountList(text: string | undefined): string[] {
  const accounts = commaList(text);
  for (const account of accounts) {
    if (!isAccountId(account)) throw new ConfigError(`COVERAGE_MEMBER_ACCOUNTS: ${JSON.stringify(account)} is not a 12-digit account id`);
  }
  return [...new Set(accounts)];
}

function exemptTags(json: string | undefined): Array<[string, string | undefined]> {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`COVERAGE_EXEMPT_TAGS is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ConfigError('COVERAGE_EXEMPT_TAGS must be a JSON object of tag keys to values ("*" for any value)');
  }
  return Object.entries(value as Record<string, string>).map(([key, v]) => [key, v === '*' ? undefined : v]);
}
