import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * Whether a watched region's sign-ins and sessions can reach the ingest function:
 *
 * - in the construct's own region, its EventBridge rules exist and are enabled;
 * - in any other, a rule forwards to the construct's bus (`ConsoleLoginForwarder`) and is enabled;
 * - and a CloudTrail trail covering the region (its own, a multi-region or an organization trail) is
 *   logging management events: EventBridge receives CloudTrail's events only while a trail logs
 *   (EventBridge user guide, "Events from AWS services").
 *
 * Each problem has a stable key (what changed is judged by keys) and a sentence saying what to do.
 */

export interface SourceProblem {
  /** Stable across runs while the problem lasts: `rule-disabled:<name>`, `no-trail`, … */
  readonly key: string;
  readonly text: string;
}

export interface SourceExpectations {
  /** The construct's region: its own rules are checked there. */
  readonly ownRegion: string;
  /** The construct's rules (sign-ins, sessions) in its own region. */
  readonly ruleNames: readonly string[];
  /** The bus forwarded events arrive on; absent when the construct receives none. */
  readonly forwardedBusArn?: string;
}

export interface SourceClients {
  readonly events: EventBridgeClient;
  readonly eventsModule: typeof import('@aws-sdk/client-eventbridge');
  readonly cloudtrail: CloudTrailClient;
  /** A trail's status and selectors are read in its home region: a multi-region trail's shadows answer DescribeTrails only. */
  readonly cloudtrailIn: (region: string) => CloudTrailClient;
  readonly cloudtrailModule: typeof import('@aws-sdk/client-cloudtrail');
}

const ENABLED = new Set(['ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);

export async function regionSourceProblems(region: string, clients: SourceClients, expect: SourceExpectations): Promise<SourceProblem[]> {
  const rules = region === expect.ownRegion
    ? await ownRules(clients, expect.ruleNames)
    : await forwarderRules(region, clients, expect.forwardedBusArn);
  return [...rules, ...await trailProblems(region, clients)];
}

async function ownRules(clients: SourceClients, names: readonly string[]): Promise<SourceProblem[]> {
  const problems: SourceProblem[] = [];
  for (const name of names) {
    const state = await ruleState(clients, name);
    if (state === undefined) problems.push({ key: `rule-missing:${name}`, text: `EventBridge rule ${name} is gone: redeploy the stack` });
    else if (!ENABLED.has(state)) problems.push({ key: `rule-disabled:${name}`, text: `EventBridge rule ${name} is ${state}: enable it (aws events enable-rule --name ${name})` });
  }
  return problems;
}

async function forwarderRules(region: string, clients: SourceClients, busArn: string | undefined): Promise<SourceProblem[]> {
  if (!busArn) {
    return [{ key: 'no-forwarding', text: `nothing forwards ${region}'s sign-ins and sessions: set receiveForwardedSignIns and deploy a ConsoleLoginForwarder in ${region} (README, "Regions")` }];
  }
  const { RuleNames } = await clients.events.send(new clients.eventsModule.ListRuleNamesByTargetCommand({ TargetArn: busArn }));
  const names = RuleNames ?? [];
  if (names.length === 0) return [{ key: 'no-forwarder', text: `no rule in ${region} forwards to ${busArn}: deploy a ConsoleLoginForwarder there (README, "Regions")` }];
  const states = await Promise.all(names.map(async (name) => ({ name, state: await ruleState(clients, name) })));
  const disabled = states.filter((s) => s.state === undefined || !ENABLED.has(s.state));
  return disabled.map((s) => ({ key: `forwarder-disabled:${s.name}`, text: `forwarder rule ${s.name} in ${region} is ${s.state ?? 'gone'}: enable it` }));
}

async function ruleState(clients: SourceClients, name: string): Promise<string | undefined> {
  try {
    const rule = await clients.events.send(new clients.eventsModule.DescribeRuleCommand({ Name: name }));
    return rule.State ?? 'ENABLED';
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function trailProblems(region: string, clients: SourceClients): Promise<SourceProblem[]> {
  const { cloudtrail, cloudtrailModule: m } = clients;
  const { trailList } = await cloudtrail.send(new m.DescribeTrailsCommand({ includeShadowTrails: true }));
  const covering = (trailList ?? []).filter((t) => t.TrailARN && (t.IsMultiRegionTrail || t.HomeRegion === region));
  if (covering.length === 0) {
    return [{ key: 'no-trail', text: `no CloudTrail trail covers ${region}: EventBridge receives sign-ins and sessions only while a trail logs (README, "Coverage")` }];
  }
  const why: string[] = [];
  for (const trail of covering) {
    const home = trail.HomeRegion ? clients.cloudtrailIn(trail.HomeRegion) : cloudtrail;
    try {
      const status = await home.send(new m.GetTrailStatusCommand({ Name: trail.TrailARN }));
      if (!status.IsLogging) {
        why.push(`${trail.Name} is not logging`);
        continue;
      }
      const selectors = await home.send(new m.GetEventSelectorsCommand({ TrailName: trail.TrailARN }));
      if (recordsManagementEvents(selectors)) return [];
      why.push(`${trail.Name} records no write management events`);
    } catch (error) {
      why.push(`${trail.Name} could not be read (${(error as Error).name})`);
    }
  }
  return [{ key: 'no-trail-logging', text: `no trail covering ${region} is logging management events (${why.join('; ')}): start logging (aws cloudtrail start-logging)` }];
}

/** Classic selectors: management events included, read-write or write-only; advanced: a selector on the Management category. */
function recordsManagementEvents(selectors: import('@aws-sdk/client-cloudtrail').GetEventSelectorsResponse): boolean {
  if (selectors.AdvancedEventSelectors?.length) {
    return selectors.AdvancedEventSelectors.some((s) => s.FieldSelectors?.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))
      && !s.FieldSelectors.some((f) => f.Field === 'readOnly' && f.Equals?.includes('true')));
  }
  const classic = selectors.EventSelectors;
  // A trail without selectors records management events (CloudTrail's default).
  if (!classic || classic.length === 0) return true;
  return classic.some((s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly');
}
