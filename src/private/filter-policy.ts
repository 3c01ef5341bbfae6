import * as sns from 'aws-cdk-lib/aws-sns';
import { LoginKind, Severity, SEVERITY_ORDER } from '../alert-types';
import { prop } from './prop-names';
import { isAccountId } from '../contract/aws-ids';
import { HEARTBEAT_ATTRIBUTE, tagAttributeName } from '../contract/routing';
import type { DestinationFilterOptions } from '../destinations/filter-options';

/**
 * The destination's filter on the alert topic's message attributes. Pipeline alarms never come this
 * way: CloudWatch publishes them without attributes, and SNS matches no filter policy to a message
 * without attributes (not even `{"exists": false}`), so destinations get them from the pipeline
 * alarm topic, unfiltered. Hence a policy always (any condition keeps alarms out; with none asked
 * for, "is an alert": `kind` present), so an alarm on the alert topic never reaches one twice.
 */
export function filterPolicy(
  filter: DestinationFilterOptions, defaultMinSeverity: Severity, routingTagKeys: readonly string[],
): { [attribute: string]: sns.SubscriptionFilter } {
  const minIndex = SEVERITY_ORDER.indexOf(filter.minSeverity ?? defaultMinSeverity);
  const policy: { [attribute: string]: sns.SubscriptionFilter } = {};
  if (minIndex > 0) policy.severity = new sns.SubscriptionFilter(SEVERITY_ORDER.slice(minIndex));
  if (filter.kinds) policy.kind = new sns.SubscriptionFilter(nonEmpty('kinds', filter.kinds));
  if (filter.outcomes) policy.outcome = new sns.SubscriptionFilter(nonEmpty('outcomes', filter.outcomes));
  // Alerts of a version before these attributes (a member account not yet upgraded) have neither.
  // Heartbeats (coverage's proof that a deployment publishes) are for the topic's owner, not people:
  // they carry suppressed and repeat `heartbeat`, so these conditions leave them out without a key
  // of their own (SNS allows five); `kinds` naming them lets them in.
  const heartbeats = filter.kinds?.includes(LoginKind.HEARTBEAT) ? [HEARTBEAT_ATTRIBUTE] : [];
  if (!filter.includeSuppressed) policy.suppressed = new sns.SubscriptionFilter(['false', ...heartbeats, { exists: false }]);
  if (!filter.includeRepeats) policy.repeat = new sns.SubscriptionFilter(['false', ...heartbeats, { exists: false }]);
  // Showing everything: then `kind` keeps them out.
  if (filter.includeSuppressed && filter.includeRepeats && !filter.kinds) {
    policy.kind = sns.SubscriptionFilter.stringFilter({ denylist: [LoginKind.HEARTBEAT] });
  }
  if (filter.accounts) {
    for (const account of nonEmpty('accounts', filter.accounts)) {
      if (!isAccountId(account)) throw new Error(`${prop('accounts')}: ${account} is not a 12-digit account id`);
    }
    policy.account = new sns.SubscriptionFilter(filter.accounts);
  }
  for (const tag of filter.instanceTagFilters ?? []) {
    if (!routingTagKeys.includes(tag.key)) {
      throw new Error(`${prop('instanceTagFilters')} filters on the tag ${JSON.stringify(tag.key)}, which the LoginAlerts does not publish: `
        + `add it to its ${prop('routingTagKeys')}`);
    }
    policy[tagAttributeName(tag.key)] = new sns.SubscriptionFilter(nonEmpty(`the values of the tag filter ${tag.key}`, tag.values));
  }
  checkFilterPolicyLimits(policy);
  return policy;
}

/**
 * SNS allows a filter policy five keys and 150 combinations (the product of each key's number of
 * values): past either, the subscription fails at deploy. Said here, at synth, instead.
 */
function checkFilterPolicyLimits(policy: { [attribute: string]: sns.SubscriptionFilter }): void {
  const keys = Object.keys(policy);
  const combinations = Object.values(policy).reduce((product, filter) => product * filter.conditions.length, 1);
  if (keys.length > 5 || combinations > 150) {
    throw new Error(`This destination's filter (${keys.map((k) => `${k}: ${policy[k].conditions.length} values`).join(', ')}) makes ${combinations} `
      + `combinations in ${keys.length} keys; SNS allows 150 combinations and 5 keys per filter policy. Narrow kinds, outcomes, accounts or tag `
      + 'filters, or raise minSeverity (min_severity in Python), or include suppressed alerts or repeats: each value counts');
  }
}

function nonEmpty<T>(name: string, values: T[]): T[] {
  if (values.length === 0) throw new Error(`${name} must list at least one value (omit it to allow all)`);
  return values;
}
