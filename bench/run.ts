/**
 * `npm run bench`: measures cdk-login-alerts beside the naive design and prints tables.
 * Figures are outputs, not assertions; docs/BENCHMARKS.md records a run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { naiveIngest } from './naive-ingest';
import { AwsCallCounter } from '../test/support/aws-call-counter';
import { awsConfig } from '../test/support/estate';
import { logsDelivery } from '../test/support/fixtures';
import { bundlePath, invokeBundle } from '../test/support/invoke-bundle';
import { startMoto } from '../test/support/moto';

const ROOT = join(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
function table(title: string, rows: Array<Record<string, string>>): void {
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(keys));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(keys.map((k) => row[k])));
}

/** 1. One delivery of 1,000 Accepted lines from 50 instances, cold and warm, against the naive design. */
async function largeBatch(): Promise<void> {
  const moto = await startMoto();
  const counter = await AwsCallCounter.start(moto.endpoint);
  try {
    const ec2 = new EC2Client(awsConfig(moto.endpoint));
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 50,
      MaxCount: 50,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'fleet' }, { Key: 'env', Value: 'prod' }] }],
    }));
    const hosts = run.Instances!.map((i) => ({ id: i.InstanceId!, host: `ip-${i.PrivateIpAddress!.replace(/\./g, '-')}` }));
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench' }));
    const lines = (batch: number) => Array.from({ length: 1000 }, (_, n) =>
      `Nov 21 09:15:02 ${hosts[n % 50].host} sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:b${batch}k${n}`);

    const env = { AWS_ENDPOINT_URL: counter.endpoint, ALERT_TOPIC_ARN: TopicArn! };
    const delivery = (batch: number) => logsDelivery(lines(batch), { logStream: 'fleet/secure', idPrefix: `b${batch}-` });
    const count = () => ({ ec2: counter.count('DescribeInstances'), sns: counter.count('PublishBatch') });
    for (const latencyMs of [0, 20]) {
      // Cold: a fresh process, one delivery.
      counter.reset();
      counter.latencyMs = latencyMs;
      const coldRun = await invokeBundle('ingest', [delivery(1)], env, { timed: true });
      const coldCalls = count();
      // Warm: a fresh process, the same cold delivery, then another; the second finds every instance cached.
      counter.reset();
      counter.latencyMs = latencyMs;
      const warmRun = await invokeBundle('ingest', [delivery(1), delivery(2)], env, { timed: true });
      const warmCalls = { ec2: count().ec2 - coldCalls.ec2, sns: count().sns - coldCalls.sns };
      const cold = coldRun.invocations[0];
      const warm = warmRun.invocations[1];

      counter.reset();
      counter.latencyMs = latencyMs;
      const started = performance.now();
      const naivePublished = await naiveIngest(lines(3), new Map(hosts.map((h) => [h.host, h.id])), {
        ec2: new EC2Client(awsConfig(counter.endpoint)), sns: new SNSClient(awsConfig(counter.endpoint)), topicArn: TopicArn!,
      });
      const naiveMs = performance.now() - started;
      const where = latencyMs === 0 ? 'moto on loopback' : `moto + ${latencyMs} ms per API call, like a real AWS round trip`;
      table(`1. One CloudWatch Logs delivery: 1,000 Accepted lines from 50 instances (${where})`, [
        { 'design': 'cdk-login-alerts, cold', 'EC2 calls': String(coldCalls.ec2), 'SNS calls': String(coldCalls.sns), 'alerts': String((cold.result as any).alerts), 'time (ms)': fmt(cold.ms!) },
        { 'design': 'cdk-login-alerts, warm', 'EC2 calls': String(warmCalls.ec2), 'SNS calls': String(warmCalls.sns), 'alerts': String((warm.result as any).alerts), 'time (ms)': fmt(warm.ms!) },
        { 'design': 'naive: DescribeTags + Publish per line', 'EC2 calls': String(counter.count('DescribeTags')), 'SNS calls': String(counter.count('Publish')), 'alerts': String(naivePublished), 'time (ms)': fmt(naiveMs) },
      ]);
      console.log(`\nnaive / cdk-login-alerts time: cold ${fmt(naiveMs / cold.ms!, 1)}×, warm ${fmt(naiveMs / warm.ms!, 1)}× (targets: ≤ 1 EC2 and ≤ 100 SNS calls cold, 0 EC2 warm, ≥ 10× faster)`);
    }
  } finally {
    await counter.stop();
    await moto.stop();
  }
}

/** 2. Bundle sizes, and what loading each adds to a fresh node process (median of 15). */
function coldStart(): void {
  const runs = 15;
  const time = (args: string[]) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' }, cwd: ROOT });
    if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const bare = median(Array.from({ length: runs }, () => time(['-e', ''])));
  const rows = readdirSync(join(ROOT, 'assets')).sort().map((name) => {
    const bundle = bundlePath(name);
    const load = median(Array.from({ length: runs }, () => time(['-e', `require(${JSON.stringify(bundle)})`])));
    return { 'function': name, 'bundle (KB)': fmt(statSync(bundle).size / 1024, 1), 'load − bare node (ms)': fmt(load - bare, 1) };
  });
  table(`2. Cold start: bundle size and load time beyond a bare node start (${fmt(bare, 1)} ms), median of ${runs}`, rows);
  console.log('\nThe AWS SDK v3 is external (the Lambda runtime provides it); load time includes requiring it from node_modules. Targets: ingest ≤ 500 KB, ≤ 50 ms added.');
}

/** 3. `cdk synth` of the example app against the same app without LoginAlerts, alternating runs. */
function synth(): void {
  const runs = 7;
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  const time = (app: string) => {
    const out = mkdtempSync(join(tmpdir(), 'bench-synth-'));
    const started = performance.now();
    execFileSync(cdk, ['synth', '--quiet', '--app', `npx ts-node --transpile-only --project ${join(ROOT, 'tsconfig.dev.json')} ${app}`, '--output', out], { cwd: ROOT, stdio: 'ignore' });
    return performance.now() - started;
  };
  // Alternate the two so a noisy stretch of the machine hits both alike.
  const withIt: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < runs; i++) {
    withIt.push(time('examples/app.ts'));
    without.push(time('bench/baseline-app.ts'));
  }
  const ratios = withIt.map((w, i) => w / without[i]);
  table(`3. cdk synth, median of ${runs} alternating runs`, [
    { 'app': 'examples/app.ts (LoginAlerts with Slack and PagerDuty)', 'time (ms)': fmt(median(withIt)) },
    { 'app': 'bench/baseline-app.ts (same stack, no LoginAlerts)', 'time (ms)': fmt(median(without)) },
  ]);
  console.log(`\nmedian of the pairwise ratios ${fmt(median(ratios), 2)}× (target ≤ 1.2×)`);
}

/** 4. On paper: invocations and cost a day, against an S3-triggered CloudTrail log scanner. */
function onPaper(): void {
  const regions = 17;
  const loginsPerDay = 20;
  const cloudTrailFilesPerRegionPerDay = (24 * 60) / 5;
  const pricePerMillionRequests = 0.2;
  const pricePerGbSecondArm = 0.0000133334;
  const cost = (invocations: number, memoryGb: number, seconds: number) =>
    invocations * (pricePerMillionRequests / 1e6 + memoryGb * seconds * pricePerGbSecondArm);
  // Ours: a sign-in or SSH login invokes ingest once, then Slack once (and PagerDuty for high and critical, say a quarter).
  const oursInvocations = loginsPerDay * (1 + 1 + 0.25);
  const oursCost = cost(oursInvocations, 0.25, 0.3);
  // Peer: one invocation per CloudTrail log file (every ~5 minutes per region), each downloading and scanning it.
  const peerInvocations = regions * cloudTrailFilesPerRegionPerDay;
  const peerCost = cost(peerInvocations, 0.5, 1.0);
  table(`4. On paper: ${regions} regions, ${loginsPerDay} logins a day`, [
    { 'design': 'cdk-login-alerts (events in, per login)', 'invocations/day': fmt(oursInvocations), 'Lambda $/month': `$${fmt(oursCost * 30, 4)}` },
    { 'design': 'S3-triggered CloudTrail scanner (per log file)', 'invocations/day': fmt(peerInvocations), 'Lambda $/month': `$${fmt(peerCost * 30, 4)}` },
  ]);
  console.log(`
Assumptions: ours 256 MB for 0.3 s per invocation; the peer 512 MB for 1 s (download, gunzip, scan a
file); CloudTrail delivers a log file about every 5 minutes per region (${cloudTrailFilesPerRegionPerDay}/region/day);
arm64 Lambda prices $${pricePerMillionRequests}/1M requests and $${pricePerGbSecondArm}/GB-s; free tier, S3 GET
requests, CloudWatch Logs ingestion, EventBridge (free for AWS service events) and SNS are left out for
both. Cross-region forwarding of sign-ins adds one EventBridge PutEvents per forwarded sign-in.`);
}

async function main(): Promise<void> {
  console.log(`# cdk-login-alerts benchmarks\n\n${new Date().toISOString()} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model} · ${fmt(totalmem() / 2 ** 30)} GiB`);
  const only = process.argv.slice(2);
  const want = (n: string) => only.length === 0 || only.includes(n);
  if (want('batch')) await largeBatch();
  if (want('coldstart')) coldStart();
  if (want('synth')) synth();
  if (want('paper')) onPaper();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
