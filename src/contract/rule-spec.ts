import { LOGIN_KINDS, LOGIN_OUTCOMES, SEVERITIES } from './alert-values';
import { isAccountId } from './aws-ids';
import { parseCidr } from './cidr';

/**
 * Alert rules in the JSON form the construct writes into the ingest function's `ALERT_RULES` and
 * `cdk-login-alerts replay --rules` reads. Checked here, once, for both: the construct at synth and
 * the function when it starts.
 */

export const RULE_ACTIONS = ['suppress', 'raise', 'lower', 'set'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const RULE_KINDS: readonly string[] = LOGIN_KINDS;
export const RULE_OUTCOMES: readonly string[] = LOGIN_OUTCOMES;
/** What a rule may set: every severity but `info`, which only suppression gives. */
export const RULE_SEVERITIES: readonly string[] = SEVERITIES.filter((s) => s !== 'info');

/** Every condition given must hold; lists match when any value matches; `*` is a wildcard in text. */
export interface RuleMatch {
  readonly kinds?: string[];
  readonly users?: string[];
  readonly actors?: string[];
  readonly accounts?: string[];
  readonly sourceCidrs?: string[];
  readonly instanceTags?: Record<string, string>;
  readonly principalArns?: string[];
  readonly outcomes?: string[];
  /** ISO 3166-1 alpha-2 codes of the source's country (`geo.country`); logins not located never match. */
  readonly countries?: string[];
  /** Located logins whose country is none of these ("anything outside DE, NL"); logins not located never match. */
  readonly notCountries?: string[];
  /** AS numbers of the source's network (`geo.asn`). */
  readonly asns?: number[];
  /** Located logins whose network is none of these. */
  readonly notAsns?: number[];
}

export interface RuleSpec {
  readonly name: string;
  readonly action: RuleAction;
  /** For `set`: the severity the alert gets. */
  readonly severity?: string;
  readonly match: RuleMatch;
}

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

const LIST_CONDITIONS = ['kinds', 'users', 'actors', 'accounts', 'sourceCidrs', 'principalArns', 'outcomes', 'countries', 'notCountries'] as const;
const NUMBER_CONDITIONS = ['asns', 'notAsns'] as const;
const CONDITIONS = [...LIST_CONDITIONS, ...NUMBER_CONDITIONS, 'instanceTags'] as const;

/**
 * Checks one rule; `label` says where it came from (`rules[2]`). `propName` turns a condition's
 * name into what the reader wrote (the construct names Python's spelling too).
 */
export function checkRule(rule: unknown, label: string, propName: (name: string) => string = (n) => n): RuleSpec {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw new RuleError(`${label} is not an object`);
  const r = rule as Record<string, unknown>;
  const name = r.name;
  if (typeof name !== 'string' || name.trim() === '') throw new RuleError(`${label} has no name`);
  const where = `rule ${JSON.stringify(name)}`;
  if (!RULE_ACTIONS.includes(r.action as RuleAction)) throw new RuleError(`${where}: action ${JSON.stringify(r.action)} is not one of ${RULE_ACTIONS.join(', ')}`);
  const action = r.action as RuleAction;
  if (action === 'set' && !RULE_SEVERITIES.includes(r.severity as string)) {
    throw new RuleError(`${where}: severity ${JSON.stringify(r.severity)} is not one of ${RULE_SEVERITIES.join(', ')} (a rule that should hide a login suppresses it)`);
  }
  const match = (r.match ?? {}) as Record<string, unknown>;
  if (typeof match !== 'object' || Array.isArray(match)) throw new RuleError(`${where}: match is not an object`);
  const unknown = Object.keys(match).filter((k) => !(CONDITIONS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new RuleError(`${where}: unknown condition ${unknown.join(', ')} (conditions: ${CONDITIONS.map(propName).join(', ')})`);
  const given = CONDITIONS.filter((k) => match[k] !== undefined);
  if (given.length === 0) {
    throw new RuleError(`${where} has no condition, so it would match every login: give at least one of ${CONDITIONS.map(propName).join(', ')}`);
  }
  for (const key of LIST_CONDITIONS) {
    const values = match[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' || v === '')) {
      throw new RuleError(`${where}: ${propName(key)} must be a non-empty list of non-empty strings (omit it to match any)`);
    }
  }
  for (const key of NUMBER_CONDITIONS) {
    const values = match[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new RuleError(`${where}: ${propName(key)} must be a non-empty list of AS numbers (omit it to match any)`);
    }
  }
  for (const key of ['countries', 'notCountries'] as const) {
    for (const code of (match[key] as string[] | undefined) ?? []) {
      if (!/^[A-Z]{2}$/.test(code)) throw new RuleError(`${where}: ${propName(key)}: ${JSON.stringify(code)} is not an ISO 3166-1 alpha-2 country code like DE`);
    }
  }
  const bad = (key: string, allowed: readonly string[]) => ((match[key] as string[] | undefined) ?? []).filter((v) => !allowed.includes(v));
  if (bad('kinds', RULE_KINDS).length) throw new RuleError(`${where}: unknown kind ${bad('kinds', RULE_KINDS).join(', ')} (kinds: ${RULE_KINDS.join(', ')})`);
  if (bad('outcomes', RULE_OUTCOMES).length) throw new RuleError(`${where}: unknown outcome ${bad('outcomes', RULE_OUTCOMES).join(', ')}`);
  for (const account of (match.accounts as string[] | undefined) ?? []) {
    if (!isAccountId(account)) throw new RuleError(`${where}: ${propName('accounts')}: ${account} is not a 12-digit account id`);
  }
  for (const cidr of (match.sourceCidrs as string[] | undefined) ?? []) {
    if (!parseCidr(cidr)) throw new RuleError(`${where}: ${propName('sourceCidrs')}: ${JSON.stringify(cidr)} is not a CIDR range like 198.51.100.0/24 or 2001:db8::/32`);
  }
  if (match.instanceTags !== undefined) {
    const tags = match.instanceTags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.keys(tags).length === 0
      || Object.entries(tags).some(([k, v]) => k === '' || typeof v !== 'string' || v === '')) {
      throw new RuleError(`${where}: ${propName('instanceTags')} must map tag keys to values (a value may use * wildcards)`);
    }
  }
  // One canonical order (Python and Java hand struct fields over sorted, TypeScript as written): the
  // same rules make the same ALERT_RULES, so the template does not depend on the language.
  const canonical: Record<string, unknown> = {};
  for (const key of CONDITIONS) {
    if (match[key] === undefined) continue;
    canonical[key] = key === 'instanceTags'
      ? Object.fromEntries(Object.entries(match[key] as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : match[key];
  }
  return { name, action, ...(action === 'set' && { severity: r.severity as string }), match: canonical as RuleMatch };
}

/** Checks a list of rules: each one, and that no two share a name (reasons and metrics name rules). */
export function checkRules(rules: unknown, label = 'rules', propName?: (name: string) => string): RuleSpec[] {
  if (!Array.isArray(rules)) throw new RuleError(`${label} is not a list`);
  const checked = rules.map((rule, i) => checkRule(rule, `${label}[${i}]`, propName));
  const seen = new Set<string>();
  for (const rule of checked) {
    if (seen.has(rule.name)) throw new RuleError(`two rules are named ${JSON.stringify(rule.name)}: each rule needs its own name (alerts' reasons name the rule)`);
    seen.add(rule.name);
  }
  return checked;
}
