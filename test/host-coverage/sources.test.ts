import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import { regionSourceProblems, type SourceClients } from '../../lambda/host-coverage/sources';

/**
 * A region's sources judged from what EventBridge and CloudTrail answer (their clients faked at
 * `send`: the commands are the SDK's own). What EventBridge needs to receive CloudTrail's events: a
 * trail covering the region, logging, with write management events.
 */

type Answers = Record<string, (input: any) => unknown>;

function clients(answers: Answers): SourceClients {
  const client = (service: string) => ({
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      const answer = answers[name];
      if (!answer) throw new Error(`${service} ${name} not expected`);
      return answer(command.input);
    },
  });
  const trails = client('cloudtrail') as unknown as cloudtrail.CloudTrailClient;
  return {
    events: client('events') as unknown as eventbridge.EventBridgeClient,
    eventsModule: eventbridge,
    cloudtrail: trails,
    cloudtrailIn: () => trails,
    cloudtrailModule: cloudtrail,
  };
}

const TRAIL = { Name: 'org', TrailARN: 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org', HomeRegion: 'eu-west-1', IsMultiRegionTrail: true };
const OWN = { ownRegion: 'eu-west-1', ruleNames: ['SignIns', 'Sessions'] };
const rules = (states: Record<string, string>) => ({
  DescribeRule: (input: { Name: string }) => {
    if (!(input.Name in states)) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
    return { State: states[input.Name] };
  },
});

test('own region: a disabled rule and a deleted one are named, each with what to do', async () => {
  const problems = await regionSourceProblems('eu-west-1', clients({
    ...rules({ SignIns: 'DISABLED' }),
    DescribeTrails: () => ({ trailList: [TRAIL] }),
    GetTrailStatus: () => ({ IsLogging: true }),
    GetEventSelectors: () => ({ EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }] }),
  }), OWN);
  expect(problems.map((p) => p.key)).toEqual(['rule-disabled:SignIns', 'rule-missing:Sessions']);
  expect(problems[0].text).toBe('EventBridge rule SignIns is DISABLED: enable it (aws events enable-rule --name SignIns)');
});

test.each([
  ['no trail at all', { trailList: [] }, {}, {}, 'no-trail'],
  ['a trail of another region only', { trailList: [{ ...TRAIL, IsMultiRegionTrail: false, HomeRegion: 'us-east-1' }] }, {}, {}, 'no-trail'],
  ['a trail that stopped logging', { trailList: [TRAIL] }, { IsLogging: false }, {}, 'no-trail-logging'],
  ['read-only management events', { trailList: [TRAIL] }, { IsLogging: true }, { EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'ReadOnly' }] }, 'no-trail-logging'],
  ['data events only', { trailList: [TRAIL] }, { IsLogging: true }, { EventSelectors: [{ IncludeManagementEvents: false, ReadWriteType: 'All' }] }, 'no-trail-logging'],
  ['advanced selectors without the Management category', { trailList: [TRAIL] }, { IsLogging: true },
    { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] }, 'no-trail-logging'],
])('%s: the region is not watched', async (_what, trails, status, selectors, key) => {
  const problems = await regionSourceProblems('eu-west-1', clients({
    ...rules({ SignIns: 'ENABLED', Sessions: 'ENABLED' }),
    DescribeTrails: () => trails,
    GetTrailStatus: () => status,
    GetEventSelectors: () => selectors,
  }), OWN);
  expect(problems.map((p) => p.key)).toEqual([key]);
});

test('advanced selectors on the Management category, and the EventBridge rule state that receives read-only events too, are watched', async () => {
  const problems = await regionSourceProblems('eu-west-1', clients({
    ...rules({ SignIns: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', Sessions: 'ENABLED' }),
    DescribeTrails: () => ({ trailList: [TRAIL] }),
    GetTrailStatus: () => ({ IsLogging: true }),
    GetEventSelectors: () => ({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }),
  }), OWN);
  expect(problems).toEqual([]);
});

test('another region: no forwarding bus, no forwarder, or a disabled one', async () => {
  const trail = { DescribeTrails: () => ({ trailList: [TRAIL] }), GetTrailStatus: () => ({ IsLogging: true }), GetEventSelectors: () => ({}) };
  const bus = 'arn:aws:events:eu-west-1:123456789012:event-bus/login-alerts-sign-ins';
  expect((await regionSourceProblems('us-east-1', clients(trail), OWN)).map((p) => p.key)).toEqual(['no-forwarding']);
  const none = clients({ ...trail, ListRuleNamesByTarget: () => ({ RuleNames: [] }) });
  expect((await regionSourceProblems('us-east-1', none, { ...OWN, forwardedBusArn: bus })).map((p) => p.key)).toEqual(['no-forwarder']);
  const off = clients({ ...trail, ...rules({ Fwd: 'DISABLED', FwdSessions: 'ENABLED' }), ListRuleNamesByTarget: (input: any) => ({ RuleNames: input.TargetArn === bus ? ['Fwd', 'FwdSessions'] : [] }) });
  expect((await regionSourceProblems('us-east-1', off, { ...OWN, forwardedBusArn: bus })).map((p) => p.key)).toEqual(['forwarder-disabled:Fwd']);
});
