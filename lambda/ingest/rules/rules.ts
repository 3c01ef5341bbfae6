import { checkRules, type RuleSpec } from '../../../src/contract/rule-spec';
import type { Alert, Severity } from '../../shared/alert';
import { summarise } from '../../shared/alert-text';
import { NetworkSet } from '../../shared/networks';
import { lowerFor, raiseFor } from '../draft/severity';

/**
 * The team's rules, applied in order after the default severity policy and attribution: a rule
 * whose conditions all hold suppresses the login (severity `info`, `suppressed: {rule}`), raises or
 * lowers it one level, or sets its severity; each alert's `reasons` name the rules that changed it.
 * A suppressed alert is still published (for audit); later rules leave it alone.
 */
export class AlertRules {
  /** Parses rules in their JSON form (`ALERT_RULES`, `replay --rules`); throws a RuleError naming the bad rule. */
  static parse(json: string, label = 'ALERT_RULES'): AlertRules {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new Error(`${label} is not JSON: ${(error as Error).message}`);
    }
    // `replay --rules` also takes the object form `{ "rules": [...] }`.
    const list = typeof value === 'object' && value !== null && !Array.isArray(value) && 'rules' in value ? (value as { rules: unknown }).rules : value;
    return new AlertRules(checkRules(list, label));
  }

  private readonly compiled: CompiledRule[];

  constructor(rules: readonly RuleSpec[]) {
    this.compiled = rules.map(compile);
  }

  get size(): number {
    return this.compiled.length;
  }

  apply(alert: Alert): Alert {
    let result = alert;
    for (const rule of this.compiled) {
      if (result.suppressed) break;
      if (!rule.matches(result)) continue;
      result = rule.act(result);
    }
    return result;
  }
}

interface CompiledRule {
  matches(alert: Alert): boolean;
  act(alert: Alert): Alert;
}

function compile(spec: RuleSpec): CompiledRule {
  const m = spec.match;
  const tests: Array<(alert: Alert) => boolean> = [];
  if (m.kinds) tests.push((a) => m.kinds!.includes(a.kind));
  if (m.outcomes) tests.push((a) => m.outcomes!.includes(a.outcome));
  if (m.accounts) tests.push((a) => m.accounts!.includes(a.account));
  if (m.users) {
    const users = globs(m.users);
    tests.push((a) => users(a.user));
  }
  if (m.actors) {
    const actors = globs(m.actors);
    tests.push((a) => [a.actor?.name, a.actor?.email, a.actor?.arn].some(actors));
  }
  if (m.principalArns) {
    const arns = globs(m.principalArns);
    tests.push((a) => [a.principal?.arn, a.actor?.arn].some(arns));
  }
  if (m.sourceCidrs) {
    const networks = NetworkSet.parse(m.sourceCidrs);
    tests.push((a) => a.sourceIp !== undefined && networks.has(a.sourceIp));
  }
  // Where from: only located logins match, for and against (a private address is in no country).
  if (m.countries) tests.push((a) => a.geo?.country !== undefined && m.countries!.includes(a.geo.country));
  if (m.notCountries) tests.push((a) => a.geo?.country !== undefined && !m.notCountries!.includes(a.geo.country));
  if (m.asns) tests.push((a) => a.geo?.asn !== undefined && m.asns!.includes(a.geo.asn));
  if (m.notAsns) tests.push((a) => a.geo?.asn !== undefined && !m.notAsns!.includes(a.geo.asn));
  if (m.instanceTags) {
    const tags = Object.entries(m.instanceTags).map(([key, value]) => [key, globs([value])] as const);
    tests.push((a) => tags.every(([key, matches]) => matches(a.host?.tags?.[key])));
  }
  return { matches: (alert) => tests.every((t) => t(alert)), act: action(spec) };
}

function action(spec: RuleSpec): (alert: Alert) => Alert {
  const named = JSON.stringify(spec.name);
  switch (spec.action) {
    case 'suppress':
      return (a) => worded({ ...a, severity: 'info', suppressed: { rule: spec.name }, reasons: [...a.reasons, `suppressed by rule ${named}`] });
    // The reason is kept even when the level does not move (already critical): the rule matched.
    case 'raise':
      return (a) => worded({ ...a, ...raiseFor(a, `raised by rule ${named}`) });
    case 'lower':
      return (a) => worded({ ...a, ...lowerFor(a, `lowered by rule ${named}`) });
    case 'set':
      return (a) => worded({ ...a, severity: spec.severity as Severity, reasons: [...a.reasons, `set to ${spec.severity} by rule ${named}`] });
  }
}

/** The summary opens with the severity (`[MEDIUM] SSH login: …`): word it again. */
function worded(alert: Alert): Alert {
  return { ...alert, summary: summarise(alert) };
}

/** Any of the patterns matches the whole value; `*` stands for any text (also none). */
function globs(patterns: readonly string[]): (value: string | undefined) => boolean {
  return (value) => value !== undefined && patterns.some((pattern) => wildcardMatch(pattern, value));
}

/**
 * `*`-wildcard matching in O(pattern × value) at worst, never exponential: values come from logs and
 * events (bounded to 1,024 characters), and a regular expression with several `.*` would backtrack.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
