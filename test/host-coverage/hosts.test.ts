import { judgeHosts, type RunningInstance } from '../../lambda/host-coverage/hosts';
import { changed, changeSince } from '../../lambda/host-coverage/report';
import type { CoverageState } from '../../lambda/host-coverage/state';

/** Which hosts the log sources can see, judged from instances and log streams (the clock is injected). */

const NOW = Date.UTC(2026, 11, 3, 12);
const HOUR = 3_600_000;
const options = { nowMs: NOW, silentAfterMs: 24 * HOUR, minAgeMs: HOUR };
const old = NOW - 30 * 24 * HOUR;

test('covered, silent, never seen, exempt and too new, each with what to do', () => {
  const instances: RunningInstance[] = [
    { instanceId: 'i-0aaaaaaaaaaaaaaa1', launchTime: old },
    { instanceId: 'i-0aaaaaaaaaaaaaaa2', launchTime: old },
    { instanceId: 'i-0aaaaaaaaaaaaaaa3', launchTime: old, platform: 'windows' },
    { instanceId: 'i-0aaaaaaaaaaaaaaa4', launchTime: old, tags: { 'login-alerts:exempt': 'build runner, no SSH' } },
    { instanceId: 'i-0aaaaaaaaaaaaaaa5', launchTime: NOW - 10 * 60_000 },
  ];
  const streams = [
    { logGroup: '/ec2/secure', logStreamName: 'i-0aaaaaaaaaaaaaaa1', lastEventAt: NOW - 5 * 60_000 },
    { logGroup: '/ec2/secure', logStreamName: 'i-0aaaaaaaaaaaaaaa2', lastEventAt: NOW - 50 * HOUR },
  ];
  expect(judgeHosts(instances, streams, options).map((h) => [h.instanceId, h.status, h.reason])).toEqual([
    ['i-0aaaaaaaaaaaaaaa1', 'covered', 'last event 5 min ago'],
    ['i-0aaaaaaaaaaaaaaa2', 'silent', 'nothing for 2 days: is the CloudWatch agent still running and shipping the auth log (/var/log/secure or /var/log/auth.log)?'],
    ['i-0aaaaaaaaaaaaaaa3', 'never-seen', 'no log stream: is the CloudWatch agent installed, with the Security event log (docs/WINDOWS.md) in its configuration?'],
    ['i-0aaaaaaaaaaaaaaa4', 'exempt', 'tagged login-alerts:exempt: build runner, no SSH'],
    ['i-0aaaaaaaaaaaaaaa5', 'too-new', 'launched 10 min ago: not shipping yet is expected'],
  ]);
});

test('a host that ships under its hostname or address, or a stream that embeds its id, is matched as enrichment matches it', () => {
  const instances: RunningInstance[] = [
    { instanceId: 'i-0bbbbbbbbbbbbbbb1', privateIp: '10.0.1.23', launchTime: old },
    { instanceId: 'i-0bbbbbbbbbbbbbbb2', privateDnsName: 'ip-10-0-1-24.eu-west-1.compute.internal', launchTime: old },
    { instanceId: 'i-0bbbbbbbbbbbbbbb3', launchTime: old },
  ];
  const streams = [
    { logGroup: '/ec2/secure', logStreamName: 'ip-10-0-1-23', lastEventAt: NOW - HOUR },
    { logGroup: '/ec2/secure', logStreamName: 'IP-10-0-1-24.EU-WEST-1.COMPUTE.INTERNAL', lastEventAt: NOW - HOUR },
    { logGroup: '/windows/security', logStreamName: 'prod/i-0bbbbbbbbbbbbbbb3/security', lastEventAt: NOW - HOUR },
  ];
  expect(judgeHosts(instances, streams, options).map((h) => h.status)).toEqual(['covered', 'covered', 'covered']);
});

test('the freshest of several streams counts; a young host already shipping is covered', () => {
  const [host] = judgeHosts([{ instanceId: 'i-0ccccccccccccccc1', launchTime: NOW - 5 * 60_000 }], [
    { logGroup: '/ec2/secure', logStreamName: 'i-0ccccccccccccccc1', lastEventAt: NOW - 30 * HOUR },
    { logGroup: '/windows/security', logStreamName: 'i-0ccccccccccccccc1', lastEventAt: NOW - 60_000 },
  ], options);
  expect(host).toMatchObject({ status: 'covered', logGroup: '/windows/security', lastEventAt: NOW - 60_000 });
});

test('a coverage alert is owed only when what is dark changes', () => {
  const state = (hostKeys: string[]): CoverageState => ({
    reported: [],
    regions: { 'eu-west-1': { checkedAt: NOW, hosts: [], hostKeys, problems: [], counts: { covered: 0, silent: 0, neverSeen: hostKeys.length, exempt: 0, tooNew: 0 } } },
  });
  const now = state(['eu-west-1/i-0d1', 'eu-west-1/i-0d2']);
  expect(changeSince([], now)).toEqual({ uncovered: ['eu-west-1/i-0d1', 'eu-west-1/i-0d2'], newlyUncovered: ['eu-west-1/i-0d1', 'eu-west-1/i-0d2'], coveredAgain: [] });
  expect(changed(changeSince(['eu-west-1/i-0d1', 'eu-west-1/i-0d2'], now))).toBe(false);
  expect(changeSince(['eu-west-1/i-0d1', 'eu-west-1/i-0d2', 'eu-west-1/i-0d3'], now)).toMatchObject({ newlyUncovered: [], coveredAgain: ['eu-west-1/i-0d3'] });
});
