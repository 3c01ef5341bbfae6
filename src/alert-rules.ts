import { LoginKind, LoginOutcome, Severity } from './alert-types';
import { checkRule, type RuleAction, type RuleSpec } from './contract/rule-spec';
import { prop } from './private/prop-names';

/**
 * Which logins a rule applies to. Every condition given must hold; a list matches when any of its
 * values does. Text conditions take `*` as a wildcard (`deploy-*`, `arn:aws:iam::*:role/ci-*`).
 * A rule needs at least one condition.
 */
export interface AlertRuleConditions {
  /**
   * The kinds of login.
   *
   * @default - any kind
   */
  readonly kinds?: LoginKind[];

  /**
   * The logged user: the unix account, IAM user name, `root` or role session name, as in `user`.
   *
   * @default - any user
   */
  readonly users?: string[];

  /**
   * The person or principal behind the login (`actor`): matched against its name, email and ARN.
   * Logins with no actor never match.
   *
   * @default - any actor, or none
   */
  readonly actors?: string[];

  /**
   * The accounts the login happened in (12-digit ids).
   *
   * @default - any account
   */
  readonly accounts?: string[];

  /**
   * Source address ranges (CIDR; a bare address is /32 or /128). Logins without a source address
   * never match.
   *
   * @default - any source
   */
  readonly sourceCidrs?: string[];

  /**
   * Instance tags, key to value (the value may use `*`); all must be on the instance. Logins not
   * enriched with the instance's tags never match.
   *
   * @default - any instance, or none
   */
  readonly instanceTags?: { [key: string]: string };

  /**
   * IAM principal ARNs: CloudTrail's caller (`principal.arn`) or the actor's ARN.
   *
   * @default - any principal
   */
  readonly principalArns?: string[];

  /**
   * Outcomes.
   *
   * @default - successes and failures
   */
  readonly outcomes?: LoginOutcome[];

  /**
   * Countries of the source address (ISO 3166-1 alpha-2, `DE`), from the IP databases (`geo`).
   * Logins not located (no databases, a private address, an address the databases lack) never match.
   *
   * @default - any country
   */
  readonly countries?: string[];

  /**
   * Located logins from any country but these: `['DE', 'NL']` matches a login from France, not one
   * from Germany, and not one that was not located.
   *
   * @default - any country
   */
  readonly notCountries?: string[];

  /**
   * Networks of the source address (autonomous system numbers, `geo.asn`): a CI provider's, say.
   * Logins not located never match.
   *
   * @default - any network
   */
  readonly asns?: number[];

  /**
   * Located logins from any network but these.
   *
   * @default - any network
   */
  readonly notAsns?: number[];
}

/**
 * A rule: a name (alerts' reasons say which rule changed them) and its conditions.
 */
export interface AlertRuleOptions extends AlertRuleConditions {
  /**
   * Unique among the rules of one LoginAlerts; shown in each alert it changes.
   */
  readonly name: string;
}

/**
 * A rule that sets the severity of matching logins.
 */
export interface SeverityRuleOptions extends AlertRuleOptions {
  /**
   * The severity matching logins get (`Severity.INFO` is for suppression: use `AlertRule.suppress`).
   */
  readonly severity: Severity;
}

/**
 * A noise-control rule: what to do with the logins it matches. Rules apply in order, after the
 * default severity policy and attribution. Every login is still published: a suppressed one with
 * severity `info`, `suppressed: {rule}` and the message attribute `suppressed=true`, which
 * destinations leave out by default while an audit subscriber of the topic sees everything.
 */
export class AlertRule {
  /**
   * Suppress matching logins: published with severity `info` and `suppressed`, left out by the
   * destinations unless they include suppressed alerts. Later rules leave a suppressed login alone.
   */
  public static suppress(options: AlertRuleOptions): AlertRule {
    return new AlertRule('suppress', options);
  }

  /**
   * Raise matching logins one severity level (at most critical).
   */
  public static raise(options: AlertRuleOptions): AlertRule {
    return new AlertRule('raise', options);
  }

  /**
   * Lower matching logins one severity level (never below low: hiding is what `suppress` is for).
   */
  public static lower(options: AlertRuleOptions): AlertRule {
    return new AlertRule('lower', options);
  }

  /**
   * Give matching logins this severity.
   */
  public static severity(options: SeverityRuleOptions): AlertRule {
    return new AlertRule('set', options, options.severity);
  }

  /**
   * The rule's name.
   */
  public readonly name: string;

  private readonly spec: RuleSpec;

  private constructor(action: RuleAction, options: AlertRuleOptions, severity?: Severity) {
    // `severity` (of AlertRule.severity) is the action's, not a condition.
    const { name, severity: _severity, ...conditions } = options as SeverityRuleOptions;
    // Checked when written, so a mistake fails at synth and names the rule.
    this.spec = checkRule({ name, action, ...(severity !== undefined && { severity }), match: definedOnly(conditions) }, 'AlertRule', prop);
    this.name = name;
  }

  /**
   * The rule in the JSON form the ingest function reads (`ALERT_RULES`) and
   * `cdk-login-alerts replay --rules <file>` takes.
   */
  public toJson(): any {
    return this.spec;
  }
}

function definedOnly(conditions: AlertRuleConditions): Record<string, unknown> {
  return Object.fromEntries(Object.entries(conditions).filter(([, v]) => v !== undefined));
}
