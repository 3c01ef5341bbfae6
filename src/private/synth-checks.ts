import { Annotations, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IConstruct } from 'constructs';
import { prop } from './prop-names';
import { isAccountId, isRoleNamePattern } from '../contract/aws-ids';
import { parseCidr } from '../contract/cidr';
import { checkRoutingTagKeys } from '../contract/routing';
import type { LoginAlertsProps } from '../login-alerts-props';

/**
 * Mistakes that synthesize and deploy but can never work, caught at synth with a message that
 * names the property as TypeScript/Java and Python write it.
 */


export interface SourceCounts {
  /** Subscribed log groups (SSH and Windows). */
  readonly logGroups: () => number;
  readonly allLogGroups: boolean;
  readonly consoleSignIns: boolean;
  readonly sessionEvents: boolean;
}

/** A pipeline with no source can never alert: checked when the app synthesizes, after every `addSshLogGroup`. */
export function requireASource(scope: Construct, sources: SourceCounts): void {
  scope.node.addValidation({
    validate: () => (sources.logGroups() > 0 || sources.allLogGroups || sources.consoleSignIns || sources.sessionEvents ? [] : [
      `LoginAlerts at ${scope.node.path} has no source of logins, so it can never alert: give ${prop('sshLogGroups')} or ${prop('windowsLogGroups')} `
      + '(or call addSshLogGroup, addWindowsLogGroup), '
      + `set ${prop('allLogGroups')}, or leave ${prop('consoleSignIns')} or ${prop('sessionEvents')} on`,
    ]),
  });
}

/** Properties that contradict each other or are not what they claim to be. */
export function checkProps(props: LoginAlertsProps): void {
  if (props.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
    throw new Error(`${prop('organizationId')} ${props.organizationId} is not an AWS Organizations id (o-…)`);
  }
  if (props.organizationId !== undefined && props.topic) {
    throw new Error(`${prop('organizationId')} opens the created topic and sign-in bus to the organization; a given ${prop('topic')}'s policy is yours to set`);
  }
  if (props.enrichmentAccounts?.length && props.enrichInstances === false) {
    throw new Error(`${prop('enrichmentAccounts')} needs ${prop('enrichInstances')}`);
  }
  for (const account of props.enrichmentAccounts ?? []) {
    if (!Token.isUnresolved(account) && !isAccountId(account)) throw new Error(`${prop('enrichmentAccounts')}: ${account} is not a 12-digit account id`);
  }
  for (const cidr of props.trustedCidrs ?? []) {
    if (Token.isUnresolved(cidr)) continue;
    if (!parseCidr(cidr)) throw new Error(`${prop('trustedCidrs')}: ${JSON.stringify(cidr)} is not a CIDR range like 198.51.100.0/24 or 2001:db8::/32`);
  }
  if (props.topicEncryptionKey && !props.topic) {
    throw new Error(`${prop('topicEncryptionKey')} is the key of a given ${prop('topic')}; without a topic the construct creates its own topic and key`);
  }
  if (props.ledger === false && (props.repeatWindow !== undefined || props.historyPeriod !== undefined)) {
    throw new Error(`${prop('repeatWindow')} and ${prop('historyPeriod')} are kept in the login ledger: leave ${prop('ledger')} on`);
  }
  if (props.reconcile && props.ledger === false) {
    throw new Error(`${prop('reconcile')} finds the logins that were never alerted in the login ledger: leave ${prop('ledger')} on`);
  }
  checkRoutingTagKeys(props.routingTagKeys ?? [], prop('routingTagKeys'));
  for (const role of props.identityProviderRoles ?? []) {
    if (!isRoleNamePattern(role)) throw new Error(`${prop('identityProviderRoles')}: ${JSON.stringify(role)} is not an IAM role name (letters, digits and +=,.@_-, up to 64; * for any run of characters)`);
  }
  if (props.identityProviderRoles?.length && !props.people) {
    throw new Error(`${prop('identityProviderRoles')} says whose session names may name a person in the people directory: give ${prop('people')} too`);
  }
  if (props.excludeLogGroups?.length && !props.allLogGroups) {
    throw new Error(`${prop('excludeLogGroups')} only applies with ${prop('allLogGroups')}: without it, only ${prop('sshLogGroups')} are subscribed`);
  }
}

/**
 * The key the ingest function must be allowed to use to publish to a given topic: the one given,
 * else the one the topic object knows (`new Topic(..., { masterKey })`, `fromTopicAttributes({ keyArn })`).
 */
export function topicKeyToGrant(scope: Construct, choice: Pick<LoginAlertsProps, 'topic' | 'topicEncryptionKey'>): kms.IKey | undefined {
  if (!choice.topic) return undefined;
  const key = choice.topicEncryptionKey ?? choice.topic.masterKey;
  const topicAccount = choice.topic.env.account;
  const here = Stack.of(scope).account;
  if (!key && !Token.isUnresolved(topicAccount) && !Token.isUnresolved(here) && topicAccount !== here) {
    Annotations.of(scope).addWarningV2('cdk-login-alerts:crossAccountTopicKey',
      `The ${prop('topic')} is in account ${topicAccount}: if it is encrypted (the central LoginAlerts topic is), give its key as `
      + `${prop('topicEncryptionKey')}, or the ingest function cannot publish and every alert lands in its dead-letter queue`);
  }
  return key;
}

/** What one account and region can hold once: keys registered per app, across every LoginAlerts in it. */
const claimed = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records that `scope` takes `what` in its stack's account and region (a log group's subscription
 * slot, the fixed-name sign-in bus); a second taker in the same app is an error. Stacks without a
 * concrete account or region only collide within themselves.
 */
export function claimOnce(scope: Construct, what: string, message: (first: string) => string): void {
  const stack = Stack.of(scope);
  const where = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) ? `stack ${stack.node.path}` : `${stack.account}/${stack.region}`;
  const root = scope.node.root;
  const registry = claimed.get(root) ?? new Map<string, string>();
  claimed.set(root, registry);
  const key = `${where} ${what}`;
  const first = registry.get(key);
  if (first !== undefined) throw new Error(message(first));
  registry.set(key, scope.node.path);
}
