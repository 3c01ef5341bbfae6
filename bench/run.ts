/**
 * `npm run bench`: measures cdk-login-alerts beside the naive design and prints tables.
 * Figures are outputs, not assertions; docs/BENCHMARKS.md records a run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as ts from 'typescript';
import { naiveIngest } from './naive-ingest';
import { minDistanceKm } from '../lambda/ingest/geo/country-distance';
import { GeoLocator } from '../lambda/ingest/geo/locator';
import { publishedItems } from '../lambda/ingest/ledger/published';
import { AlertRules } from '../lambda/ingest/rules/rules';
import type { Alert } from '../lambda/shared/alert';
import { EKS_EXEC_FILTER_PATTERN, WINDOWS_LOGON_FILTER_PATTERN } from '../src/contract/event-patterns';
import { encodeRangeTable } from '../src/contract/geo-ranges';
import { sshAlert, snsEvent } from '../test/support/alerts';
import { AwsCallCounter } from '../test/support/aws-call-counter';
import { CloudTrailFake } from '../test/support/cloudtrail-fake';
import { awsConfig, createLedgerTable, receiveBodies } from '../test/support/estate';
import { eksAuditEvent, encodeLogs, logsDelivery, logsPayload, windowsEvent } from '../test/support/fixtures';
import { ASN_CSV, testGeoDatabases } from '../test/support/geo';
import { bundlePath, invokeBundle } from '../test/support/invoke-bundle';
import { jsonFilterPattern } from '../test/support/json-filter-pattern';
import { startMoto } from '../test/support/moto';
import { nextSqsEvent, SIGNING_SECRET, startSlackAppEstate } from '../test/support/slack-app-estate';
import { buttonPayload, signedRequest } from '../test/support/slack-requests';

const ROOT = join(__dirname, '..');
/**
 * `--quick`: every section on a small input with few repetitions, to prove each still runs and prints
 * its table (the test run does this); figures from it mean nothing.
 */
const QUICK = process.argv.includes('--quick');
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
  const [lineCount, instanceCount] = QUICK ? [100, 10] : [1000, 50];
  const moto = await startMoto();
  const counter = await AwsCallCounter.start(moto.endpoint);
  try {
    const ec2 = new EC2Client(awsConfig(moto.endpoint));
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: instanceCount,
      MaxCount: instanceCount,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'fleet' }, { Key: 'env', Value: 'prod' }] }],
    }));
    const hosts = run.Instances!.map((i) => ({ id: i.InstanceId!, host: `ip-${i.PrivateIpAddress!.replace(/\./g, '-')}` }));
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench' }));
    const lines = (batch: number) => Array.from({ length: lineCount }, (_, n) =>
      `Nov 21 09:15:02 ${hosts[n % instanceCount].host} sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:b${batch}k${n}`);

    const env = { AWS_ENDPOINT_URL: counter.endpoint, ALERT_TOPIC_ARN: TopicArn! };
    const delivery = (batch: number) => logsDelivery(lines(batch), { logStream: 'fleet/secure', idPrefix: `b${batch}-` });
    const count = () => ({ ec2: counter.count('DescribeInstances'), sns: counter.count('PublishBatch') });
    for (const latencyMs of QUICK ? [0] : [0, 20]) {
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
      table(`1. One CloudWatch Logs delivery: ${fmt(lineCount)} Accepted lines from ${instanceCount} instances (${where})`, [
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

/** The function bundles under assets/ (the CLI's bundle is a command, timed on its own). */
function functionBundles(): string[] {
  return readdirSync(join(ROOT, 'assets')).filter((name) => name !== 'cli' && existsSync(bundlePath(name))).sort();
}

/** A fresh `node` process, as Lambda's init starts one: its wall time in milliseconds. */
function nodeTime(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' }, cwd: ROOT });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** 2. Bundle sizes, and what loading each adds to a fresh node process (median of 15). */
function coldStart(): void {
  const runs = QUICK ? 3 : 15;
  const bare = median(Array.from({ length: runs }, () => nodeTime(['-e', ''])));
  const rows = functionBundles().map((name) => {
    const bundle = bundlePath(name);
    const load = median(Array.from({ length: runs }, () => nodeTime(['-e', `require(${JSON.stringify(bundle)})`])));
    return { 'function': name, 'bundle (KB)': fmt(statSync(bundle).size / 1024, 1), 'load − bare node (ms)': fmt(load - bare, 1) };
  });
  table(`2. Cold start: bundle size and load time beyond a bare node start (${fmt(bare, 1)} ms), median of ${runs}`, rows);
  console.log('\nThe AWS SDK v3 is external (the Lambda runtime provides it); load time includes requiring it from node_modules. Targets: ingest ≤ 500 KB, ≤ 50 ms added.');
  const cli = bundlePath('cli');
  const help = median(Array.from({ length: runs }, () => nodeTime([cli, '--help'])));
  table('2a. The cdk-login-alerts command (not a function)', [
    { 'command': 'cdk-login-alerts --help', 'bundle (KB)': fmt(statSync(cli).size / 1024, 1), 'run − bare node (ms)': fmt(help - bare, 1) },
  ]);
}

/**
 * Times, inside one fresh process, each AWS SDK package a bundle requires while it loads, the rest
 * of the bundle's own evaluation (our code and the libraries bundled with it), the first client's
 * construction and its first credentials (from environment variables, as Lambda provides them).
 */
const PROFILE_SCRIPT = `
const Module = require('module');
const bundle = process.argv[1];
const sdk = {};
const original = Module.prototype.require;
Module.prototype.require = function (id) {
  if (this.filename !== bundle || !id.startsWith('@aws-sdk/')) return original.apply(this, arguments);
  const started = performance.now();
  try { return original.apply(this, arguments); } finally { sdk[id] = (sdk[id] || 0) + performance.now() - started; }
};
const started = performance.now();
require(bundle);
const total = performance.now() - started;
Module.prototype.require = original;
const firstClient = Object.keys(sdk).find((id) => id.startsWith('@aws-sdk/client-'));
(async () => {
  let construct = 0, credentials = 0;
  if (firstClient) {
    const m = require(firstClient);
    const Client = Object.values(m).find((v) => typeof v === 'function' && /.Client$/.test(v.name));
    let t = performance.now();
    const client = new Client({});
    construct = performance.now() - t;
    t = performance.now();
    const provider = typeof client.config.credentials === 'function' ? client.config.credentials : client.config.credentialDefaultProvider(client.config);
    await provider();
    credentials = performance.now() - t;
  }
  process.stdout.write(JSON.stringify({ total, sdk, construct, credentials }));
})();`;

const LOGGER_ENTRY = "const { Logger } = require('@aws-lambda-powertools/logger'); new Logger({ serviceName: 'bench' });";

/** 2b. Where a bundle's load time goes (median of the runs for each part). */
function coldStartProfile(): void {
  const runs = QUICK ? 3 : 15;
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', NODE_NO_WARNINGS: '1' };
  const profile = (bundle: string) => {
    const result = spawnSync(process.execPath, ['-e', PROFILE_SCRIPT, bundle], { env, cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`profiling ${bundle}: ${result.stderr}`);
    return JSON.parse(result.stdout) as { total: number; sdk: Record<string, number>; construct: number; credentials: number };
  };
  // Powertools Logger as the bundles carry it: bundled on its own by the same esbuild, timed the same way.
  const dir = mkdtempSync(join(tmpdir(), 'bench-logger-'));
  const loggerBundle = join(dir, 'logger.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('esbuild').buildSync({ stdin: { contents: LOGGER_ENTRY, resolveDir: ROOT }, bundle: true, platform: 'node', target: 'node22', minify: true, outfile: loggerBundle, logLevel: 'silent' });
  const logger = median(Array.from({ length: runs }, () => profile(loggerBundle).total));
  const rows = functionBundles().map((name) => {
    const samples = Array.from({ length: runs }, () => profile(bundlePath(name)));
    const sdkIds = Object.keys(samples[0].sdk);
    const sdkMs = sdkIds.map((id) => median(samples.map((s) => s.sdk[id] ?? 0)));
    const total = median(samples.map((s) => s.total));
    const ownMs = median(samples.map((s) => s.total - Object.values(s.sdk).reduce((a, b) => a + b, 0)));
    return {
      'function': name,
      'require, in all (ms)': fmt(total, 1),
      'AWS SDK packages at load (ms)': sdkIds.map((id, i) => `${id.replace('@aws-sdk/', '')} ${fmt(sdkMs[i], 1)}`).join(', ') || 'none',
      'the bundle itself (ms)': fmt(ownMs, 1),
      'of which Powertools Logger (ms)': fmt(logger, 1),
      'client construction (ms)': fmt(median(samples.map((s) => s.construct)), 1),
      'first credentials (ms)': fmt(median(samples.map((s) => s.credentials)), 1),
    };
  });
  table(`2b. Where each function's cold init goes, in one process, median of ${runs}`, rows);
  console.log('\n"The bundle itself" is our code with the libraries bundled in (Powertools Logger, @slack/webhook), evaluated after the SDK packages it requires; the Logger column is Powertools Logger bundled and loaded on its own. Credentials come from environment variables, as in Lambda; they resolve on the first call, not at load.');
}

/**
 * An app as a consumer runs it: the TypeScript app transpiled to JavaScript once, importing the
 * compiled library (`lib/`, what the npm package ships) instead of the sources.
 */
function compiledApp(app: string, outDir: string): string {
  const source = readFileSync(join(ROOT, app), 'utf8').replace(/from '\.\.\/src'/g, `from ${JSON.stringify(join(ROOT, 'lib', 'index.js'))}`);
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const { outputText } = ts.transpileModule(source, { compilerOptions });
  const file = join(outDir, app.replace(/[/.]/g, '-') + '.js');
  writeFileSync(file, outputText);
  return file;
}

/** 3. `cdk synth` of the example app against the same app without LoginAlerts, alternating runs. */
function synth(): void {
  const runs = QUICK ? 1 : 7;
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  if (!existsSync(join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npx projen compile` first (`npx projen bench` does)');
  const appsDir = mkdtempSync(join(tmpdir(), 'bench-apps-'));
  const modes = {
    'compiled library, node': (app: string) => `node ${compiledApp(app, appsDir)}`,
    'sources, ts-node': (app: string) => `npx ts-node --transpile-only --project ${join(ROOT, 'tsconfig.dev.json')} ${app}`,
  };
  const time = (command: string) => {
    const out = mkdtempSync(join(tmpdir(), 'bench-synth-'));
    const started = performance.now();
    // NODE_PATH: the transpiled apps live outside the checkout but require its node_modules.
    execFileSync(cdk, ['synth', '--quiet', '--app', command, '--output', out], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
    return performance.now() - started;
  };
  const rows: Array<Record<string, string>> = [];
  for (const [mode, command] of Object.entries(modes)) {
    // Alternate the two so a noisy stretch of the machine hits both alike.
    const withIt: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < runs; i++) {
      withIt.push(time(command('examples/app.ts')));
      without.push(time(command('bench/baseline-app.ts')));
    }
    const ratios = withIt.map((w, i) => w / without[i]);
    rows.push({
      'app run as': mode,
      'examples/app.ts (ms)': fmt(median(withIt)),
      'baseline, no LoginAlerts (ms)': fmt(median(without)),
      'median pairwise ratio': `${fmt(median(ratios), 2)}×`,
    });
  }
  table(`3. cdk synth, median of ${runs} alternating runs (target ≤ 1.2×)`, rows);
}

/**
 * 5. The login ledger: one delivery of Accepted lines from many instances, with Instance Connect
 * pushes among them, with the ledger on (links, history, repeats), on with links only, and off.
 * The goal: reads ≤ ⌈keys / 100⌉, writes ≤ ⌈items / 25⌉ and repeat counts ≤ ⌈counters / 100⌉
 * calls per delivery (BatchGetItem, BatchWriteItem, TransactWriteItems), never one call per line.
 */
async function ledger(): Promise<void> {
  const [lineCount, instanceCount, pushCount] = QUICK ? [100, 10, 10] : [1000, 50, 100];
  const moto = await startMoto();
  const counter = await AwsCallCounter.start(moto.endpoint);
  try {
    await createLedgerTable(moto.endpoint);
    const run = await new EC2Client(awsConfig(moto.endpoint)).send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: instanceCount, MaxCount: instanceCount }));
    const hosts = run.Instances!.map((i) => `ip-${i.PrivateIpAddress!.replace(/\./g, '-')}`);
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench-ledger' }));
    // Every tenth login's key was pushed by Instance Connect a second before, on the same host.
    const lines: string[] = [];
    for (let n = 0; lines.length < lineCount; n++) {
      const host = hosts[n % instanceCount];
      const key = `SHA256:${'b'.repeat(36)}${String(n).padStart(7, '0')}`;
      if (n < pushCount) lines.push(`Nov 21 09:15:01 ${host} ec2-instance-connect[${n}]: Providing ssh key from EC2 Instance Connect with fingerprint: ${key}, request-id: r-${n}-0000000, for IAM principal: arn:aws:iam::123456789012:user/u${n}`);
      lines.push(`Nov 21 09:15:02 ${host} sshd[${n}]: Accepted publickey for ec2-user from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 ${key}`);
    }
    const rows: Array<Record<string, string>> = [];
    const modes: Array<{ name: string; env: Record<string, string>; perAlert?: { reads: number; writes: number; counters: number } }> = [
      { name: 'on: links, history, repeats', env: { LEDGER_TABLE_NAME: 'ledger' }, perAlert: { reads: 4, writes: 3, counters: 1 } },
      { name: 'on: links only', env: { LEDGER_TABLE_NAME: 'ledger', HISTORY_DAYS: '0', REPEAT_WINDOW_SECONDS: '0' }, perAlert: { reads: 1, writes: 1, counters: 0 } },
      { name: 'off', env: {}, perAlert: undefined },
    ];
    for (const [index, mode] of modes.entries()) {
      counter.reset();
      const env = { AWS_ENDPOINT_URL: counter.endpoint, ALERT_TOPIC_ARN: TopicArn!, ...mode.env };
      const result = await invokeBundle('ingest', [logsDelivery(lines, { logStream: 'fleet/secure', idPrefix: `m${index}-` })], env, { timed: true });
      const alerts = (result.invocations[0].result as { alerts: number }).alerts;
      const per = mode.perAlert;
      rows.push({
        'ledger': mode.name,
        'lines': fmt(lines.length),
        'alerts': fmt(alerts),
        'BatchGetItem': String(counter.count('BatchGetItem')),
        'BatchWriteItem': String(counter.count('BatchWriteItem')),
        'TransactWriteItems': String(counter.count('TransactWriteItems')),
        // At most these many keys, items and counters per alert (fewer where alerts share them), and
        // one item per line published (the record reconciliation checks).
        'goal (reads / writes / counts)': per
          ? `≤ ${Math.ceil((per.reads * alerts) / 100)} / ≤ ${Math.ceil((per.writes * alerts + lines.length) / 25)} / ≤ ${Math.ceil((per.counters * alerts) / 100)}` : '-',
        'time (ms)': fmt(result.invocations[0].ms!),
      });
    }
    table(`5. The login ledger: ${fmt(lines.length)} lines from ${instanceCount} instances, ${pushCount} Instance Connect pushes, one delivery (moto on loopback)`, rows);
    console.log('\nEach alert here carries a key fingerprint (one link key to read, one item to write), a person and a source (two history keys to read and'
      + ' two items to write) and a repeat counter (one key to read, one counter to write), and once published one item records each line'
      + ' it stands for (the login, and a push line linked into it) for reconciliation: the goals are computed from the alert and line counts. Pushes linked to their login within the delivery are not alerts'
      + ' of their own.');
  } finally {
    await counter.stop();
    await moto.stop();
  }
}

/**
 * 6. Rules: what 50 rules add per line, in-process (the same module the ingest function runs):
 * 1,000 parsed SSH logins through none and through 50 rules of every condition, most of which
 * match nothing (every rule is then evaluated for every login: the worst case).
 */
function rules(): void {
  const [count, runs] = QUICK ? [100, 3] : [1000, 15];
  const logins = Array.from({ length: count }, (_, n) => sshAlert({
    id: `l${n}`,
    user: `user${n % 40}`,
    sourceIp: `203.0.${n % 200}.${n % 250}`,
    host: { instanceId: `i-${n}`, name: `web-${n % 50}`, tags: { Team: `team-${n % 8}`, Environment: n % 3 === 0 ? 'prod' : 'dev' } },
    actor: { name: `Person ${n % 30}`, arn: `arn:aws:iam::123456789012:user/person${n % 30}`, via: 'iam' },
  }));
  const fifty = AlertRules.parse(JSON.stringify(Array.from({ length: 50 }, (_, i) => {
    const match = [
      { users: [`deploy-${i}`, `ci-*-${i}`] },
      { sourceCidrs: [`10.${i}.0.0/16`, `2001:db8:${i}::/48`] },
      { instanceTags: { Team: `squad-${i}`, Environment: 'prod*' } },
      { actors: [`*@team${i}.example.com`] },
      { principalArns: [`arn:aws:sts::*:assumed-role/role-${i}/*`], outcomes: ['success'] },
    ][i % 5];
    return { name: `rule ${i}`, action: i % 4 === 0 ? 'suppress' : 'raise', match: { kinds: ['ssh', 'console'], ...match } };
  })));
  const time = (apply: (a: Alert) => Alert) => median(Array.from({ length: runs }, () => {
    const started = performance.now();
    for (const login of logins) apply(login);
    return performance.now() - started;
  }));
  const none = time((a) => a);
  const withRules = time((a) => fifty.apply(a));
  table(`6. Rules: ${fmt(count)} logins through 50 rules, in-process, median of ${runs}`, [
    { 'rules': '0', 'total (ms)': fmt(none, 2), 'per login (µs)': fmt((none * 1000) / count, 2) },
    { 'rules': '50', 'total (ms)': fmt(withRules, 2), 'per login (µs)': fmt((withRules * 1000) / count, 2) },
  ]);
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

/**
 * 7. Reconciliation: what one run costs for the records in its window, against moto (CloudWatch
 * Logs, DynamoDB, SNS) and the local LookupEvents fake (paced at CloudTrail's 2 calls a second).
 * Steady state: every record already alerted (the ledger holds it). Then 1% never alerted: recovered.
 */
async function reconciliation(): Promise<void> {
  const [lineCount, trailCount] = QUICK ? [1000, 100] : [10_000, 1000];
  const moto = await startMoto();
  const counter = await AwsCallCounter.start(moto.endpoint);
  const trail = await CloudTrailFake.start();
  try {
    const config = awsConfig(moto.endpoint);
    const dynamo = new DynamoDBClient(config);
    const documents = DynamoDBDocumentClient.from(dynamo);
    const { TopicArn } = await new SNSClient(config).send(new CreateTopicCommand({ Name: 'bench-reconcile' }));
    const logs = new CloudWatchLogsClient(config);
    const group = '/ec2/var/log/secure';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const streams = Array.from({ length: 20 }, (_, i) => `i-0bench${String(i).padStart(12, '0')}`);
    for (const stream of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    // Lines of the window (30 to 20 minutes ago), written as an agent would, in chronological batches.
    const first = Date.now() - 30 * 60_000;
    const perStream = Math.ceil(lineCount / streams.length);
    for (const [s, stream] of streams.entries()) {
      await logs.send(new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: Array.from({ length: perStream }, (_, n) => ({
          timestamp: first + n * 50,
          message: `Nov 21 09:15:02 ip-10-0-${s}-1 sshd[${n}]: Accepted publickey for deploy from 203.0.113.${n % 250} port ${20000 + n} ssh2: ED25519 SHA256:s${s}k${n}`,
        })),
      }));
    }
    const eventIds: string[] = [];
    for (let n = 0; n < trailCount; n++) {
      const id = `bench-${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
      eventIds.push(id);
      trail.add('eu-west-1', {
        eventID: id,
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        eventTime: new Date(first + n * 300).toISOString(),
        awsRegion: 'eu-west-1',
        recipientAccountId: '123456789012',
        sourceIPAddress: '198.51.100.7',
        userIdentity: { type: 'IAMUser', userName: `u${n}`, arn: `arn:aws:iam::123456789012:user/u${n}`, accountId: '123456789012' },
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { MFAUsed: 'Yes' },
      } as never);
    }
    // The ids CloudWatch Logs gave the lines: what a subscription delivered and ingest recorded.
    const logIds: string[] = [];
    let token: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: token }));
      logIds.push(...(page.events ?? []).map((e) => e.eventId!));
      token = page.nextToken;
    } while (token);
    const alertAll = async (skipEvery: number) => {
      const ids = [...logIds, ...eventIds].filter((_, i) => skipEvery === 0 || i % skipEvery !== 0);
      const items = publishedItems(ids, Date.now(), 'ingest');
      for (let i = 0; i < items.length; i += 25) {
        const puts = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: { ...item } } }));
        await documents.send(new BatchWriteCommand({ RequestItems: { ledger: puts } }));
      }
      return ids.length;
    };

    const rows: Array<Record<string, string>> = [];
    for (const [name, skipEvery, sources] of [
      [`${fmt(lineCount)} log lines, all alerted`, 0, 'logs'],
      [`${fmt(lineCount)} log lines, 1% never alerted`, 100, 'logs'],
      [`${fmt(trailCount)} ConsoleLogin events, all alerted`, 0, 'cloudtrail'],
      [`${fmt(trailCount)} ConsoleLogin events, 1% never alerted`, 100, 'cloudtrail'],
    ] as Array<[string, number, 'logs' | 'cloudtrail']>) {
      // A fresh ledger for each case: what was alerted, and nothing else.
      await dynamo.send(new DeleteTableCommand({ TableName: 'ledger' })).catch(() => undefined);
      await createLedgerTable(moto.endpoint);
      await alertAll(skipEvery);
      counter.reset();
      trail.calls.length = 0;
      const env = {
        AWS_ENDPOINT_URL: counter.endpoint,
        AWS_ENDPOINT_URL_CLOUDTRAIL: trail.endpoint,
        ALERT_TOPIC_ARN: TopicArn!,
        LEDGER_TABLE_NAME: 'ledger',
        ENRICH_INSTANCES: 'false',
        HISTORY_DAYS: '0',
        REPEAT_WINDOW_SECONDS: '0',
        POWERTOOLS_METRICS_DISABLED: 'true',
        RECONCILE_LOG_GROUPS: sources === 'logs' ? group : '',
        RECONCILE_EVENT_NAMES: sources === 'cloudtrail' ? 'ConsoleLogin' : '',
      };
      const run = await invokeBundle('reconcile', [{}], env, { timed: true, functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench' });
      const summary = run.invocations[0].result as { recordsRead: number; recovered: number } | undefined;
      if (!summary) throw new Error(`reconcile failed: ${JSON.stringify(run.invocations[0].error)}\n${run.logs.slice(-2000)}`);
      const seconds = run.invocations[0].ms! / 1000;
      rows.push({
        'window holds': name,
        'read': fmt(summary.recordsRead),
        'recovered': fmt(summary.recovered),
        [sources === 'logs' ? 'FilterLogEvents' : 'LookupEvents']: String(sources === 'logs' ? counter.count('FilterLogEvents') : trail.calls.length),
        'BatchGetItem': String(counter.count('BatchGetItem')),
        'TransactWriteItems': String(counter.count('TransactWriteItems')),
        'BatchWriteItem': String(counter.count('BatchWriteItem')),
        'PublishBatch': String(counter.count('PublishBatch')),
        'time (s)': fmt(seconds, 1),
        // Lambda arm64 at 256 MB: $0.0000133334 per GB-second (us-east-1 list price), plus $0.20 per million requests.
        'Lambda ($ per run)': `$${(seconds * 0.25 * 0.0000133334 + 0.0000002).toFixed(6)}`,
      });
    }
    // One table per kind of source: their call columns differ.
    table(`7. Reconciliation: one run per ${fmt(lineCount)} log lines in the window (moto on loopback)`, rows.slice(0, 2));
    table(`7a. Reconciliation: one run per ${fmt(trailCount)} CloudTrail events in the window (LookupEvents fake, paced at 2 calls a second)`, rows.slice(2));
    console.log('\nBatchGetItem reads each record\'s ledger item (100 a call); a never-alerted record costs one claim (TransactWriteItems, 100 a call), its'
      + ' publish (PublishBatch, 10 a call) and its record (BatchWriteItem, 25 a call). LookupEvents returns 50 events a call and CloudTrail allows two'
      + ' calls a second per region: the CloudTrail time is the pacing. Each event name and region is its own series (one call at least, even when empty).');
  } finally {
    await trail.stop();
    await counter.stop();
    await moto.stop();
  }
}

/**
 * 8. The review loop: the Slack Web API calls one reviewed login costs from post to answer (fake
 * Slack over HTTP, moto for the ledger, topic and review queue), and how long the interaction
 * endpoint takes to answer a press, cold (first press in a fresh process: secret read, client
 * built) and warm, with Slack answering after 2.5 s, against Slack's three seconds; and how long
 * the delivery function then takes to handle the queued press with that slow Slack.
 */
async function reviewLoop(): Promise<void> {
  const estate = await startSlackAppEstate();
  try {
    estate.slack.users.set('bob@example.com', 'U0BOB123');
    const alice = { name: 'Alice Doe', slackUserId: 'U0ALICE1', via: 'key-owner' as const };
    const bob = { name: 'Bob Roe', email: 'bob@example.com', via: 'directory' as const };
    const methods = () => {
      const counts: Record<string, number> = {};
      for (const call of estate.slack.calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
      return counts;
    };
    const rows: Array<Record<string, string>> = [];
    let n = 0;
    for (const [name, actor, answer] of [
      ['confirmed by the person (Slack id in the directory)', alice, 'confirm'],
      ['confirmed, person found by email', bob, 'confirm'],
      ['disputed: escalated at once', alice, 'dispute'],
      ['unanswered after 2 reminders: escalated', alice, undefined],
    ] as const) {
      const alert = sshAlert({ id: `bench-review-${++n}`, user: 'root', actor });
      await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl);
      estate.slack.reset();
      await invokeBundle('slack-app', [snsEvent(JSON.stringify(alert))], estate.env(), { timeoutMs: 60_000 });
      const posted = methods();
      estate.slack.reset();
      if (answer) {
        const userId = actor === alice ? 'U0ALICE1' : 'U0BOB123';
        await invokeBundle('slack-interaction', [signedRequest(SIGNING_SECRET, buttonPayload({ alertId: alert.id, userId, answer }))], estate.interactionEnv(), { timeoutMs: 10_000 });
        const queued = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10, (m) => m.type === 'login-review-answer');
        await invokeBundle('slack-app', [queued], estate.env(), { timeoutMs: 60_000 });
      } else {
        // Reminder 1, reminder 2 and the deadline check, as they come due.
        for (let handled = 0; handled < 3;) {
          const event = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alert.id, 10, (m) => m.type === 'login-review-reminder');
          await invokeBundle('slack-app', [event], estate.env());
          handled += event.Records.length;
        }
      }
      const after = methods();
      const escalations = (await receiveBodies(estate.moto.endpoint, estate.topicQueueUrl)).length;
      rows.push({
        'login': name,
        'channel posts + DMs': String(posted['chat.postMessage'] ?? 0),
        'users.lookupByEmail': String(posted['users.lookupByEmail'] ?? 0),
        'reminder replies': String(answer ? 0 : after['chat.postMessage'] ?? 0),
        'chat.update on the answer': String(after['chat.update'] ?? 0),
        'escalations published': String(escalations),
        'Slack calls in all': String(Object.values(posted).concat(Object.values(after)).reduce((a, b) => a + b, 0)),
      });
    }
    table('8. The review loop: Slack Web API calls per reviewed login (fake Slack, moto)', rows);
    console.log('\nGoal: one channel post, one DM, and one update of each message (the channel\'s and the DM) per answer; a lookup only when the directory has no Slack id.');

    const presses = QUICK ? 3 : 20;
    const times: number[][] = [];
    const handling: number[] = [];
    for (let run = 0; run < (QUICK ? 1 : 5); run++) {
      const alerts = Array.from({ length: presses }, () => sshAlert({ id: `bench-press-${++n}`, user: 'root', actor: alice }));
      estate.slack.delayMs = 0;
      await invokeBundle('slack-app', alerts.map((a) => snsEvent(JSON.stringify(a))), estate.env({ REMINDER_WAIT_SECONDS: '600' }), { timeoutMs: 60_000 });
      // Slack answering after 2.5 s: the endpoint must still answer inside Slack's three seconds.
      estate.slack.delayMs = 2500;
      const pressed = await invokeBundle('slack-interaction', alerts.map((a) => signedRequest(SIGNING_SECRET, buttonPayload({ alertId: a.id, userId: 'U0ALICE1', answer: 'confirm' }))),
        estate.interactionEnv(), { timeoutMs: 10_000, timed: true });
      times.push(pressed.invocations.map((i) => i.ms!));
      const first = await nextSqsEvent(estate.moto.endpoint, estate.reminderQueueUrl, alerts[0].id, 10, (m) => m.type === 'login-review-answer');
      const handled = await invokeBundle('slack-app', [first], estate.env({ SLACK_TIMEOUT_MS: '5000', REMINDER_WAIT_SECONDS: '600' }), { timeoutMs: 60_000, timed: true });
      handling.push(handled.invocations[0].ms!);
      estate.slack.delayMs = 0;
      await receiveBodies(estate.moto.endpoint, estate.reminderQueueUrl);
    }
    table(`8a. Answering a press with Slack answering after 2.5 s (signature, one SQS write; no Slack, no ledger), handler time on loopback, ${times.length} process(es)`, [
      { 'press': 'first in a fresh process (reads the signing secret, builds the client), median', 'time (ms)': fmt(median(times.map((t) => t[0])), 1) },
      { 'press': `warm (median of the next ${presses - 1})`, 'time (ms)': fmt(median(times.map((t) => median(t.slice(1)))), 1) },
      { 'press': 'slowest answer of all', 'time (ms)': fmt(Math.max(...times.flat()), 1) },
      { 'press': 'then: the delivery function handling it (ledger, two chat.update at 2.5 s each, in parallel), median', 'time (ms)': fmt(median(handling), 1) },
    ]);
    console.log('\nSlack allows three seconds for the answer; module load (table 2) comes on top of the first press. The decision, the ledger write and'
      + ' the Slack calls happen after the answer, in the delivery function, which has a minute. Against real AWS each call adds its round trip (tens of ms).');
  } finally {
    await estate.stop();
  }
}

/**
 * 9. A day of one busy Windows host's Security log (event_ids 4624 and 4625), as the CloudWatch agent
 * ships it (a PutLogEvents every 5 s, `force_flush_interval`; each flush holding a matching event is
 * one subscription delivery), through the built ingest bundle against moto: with the Windows filter,
 * and with a filter that passes everything. Mostly network logons (file shares, a domain member's
 * own traffic) and services, an internet scanner's failed network logons (NLA), a few dozen people.
 */
async function windowsDay(): Promise<void> {
  const scale = QUICK ? 0.02 : 1;
  const mix: Array<[fixture: string, perDay: number, what: string]> = [
    ['4624-network', 24_000, 'network logon (3)'],
    ['4624-service.xml', 6_000, 'service logon (5)'],
    ['4625-network-unknown-user.xml', 3_000, 'failed network logon (3): a scanner'],
    ['4624-rdp.xml', 30, 'Remote Desktop logon (10)'],
    ['4625-rdp-wrong-password.xml', 20, 'failed Remote Desktop logon (10)'],
    ['4624-console-administrator.xml', 2, 'console logon (2)'],
    ['4624-unlock-console', 40, 'console unlock (7)'],
  ];
  const flushes = 24 * 60 * 12;
  const events: Array<{ at: number; message: string }> = [];
  for (const [fixture, perDay] of mix) {
    const message = windowsEvent(fixture);
    const n = Math.max(1, Math.round(perDay * scale));
    for (let i = 0; i < n; i++) events.push({ at: Math.floor(((i + 0.5) / n) * flushes * scale), message });
  }
  const byFlush = new Map<number, string[]>();
  for (const e of events) byFlush.set(e.at, [...(byFlush.get(e.at) ?? []), e.message]);
  const patterns: Array<[string, RegExp]> = [
    ['windowsLogGroups filter', new RegExp(WINDOWS_LOGON_FILTER_PATTERN.slice(1, -1))],
    ['pass everything', /(?:)/],
  ];
  const moto = await startMoto();
  try {
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench-windows' }));
    const rows: Array<Record<string, string>> = [];
    for (const [name, pattern] of patterns) {
      const deliveries = [...byFlush.values()].map((messages) => messages.filter((m) => pattern.test(m))).filter((m) => m.length > 0);
      const run = await invokeBundle('ingest', deliveries.map((messages, i) => logsDelivery(messages, { logStream: 'i-0abc123def4567890', idPrefix: `${name.length}-${i}-` })),
        { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: TopicArn!, ENRICH_INSTANCES: 'false' }, { timed: true });
      const { alerts, ms } = alertsAndTime(run);
      rows.push(filterDayRow(name, {
        passed: deliveries.reduce((sum, d) => sum + d.length, 0) / scale,
        invocations: deliveries.length / scale,
        alerts: alerts / scale,
        ms: ms / scale,
      }, 4));
    }
    table(`9. A day of one busy Windows host's Security log: ${fmt(events.length / scale)} logon events (built ingest bundle, moto on loopback)`, rows);
    console.log(`\nThe mix: ${mix.map(([, perDay, what]) => `${fmt(perDay)} ${what}`).join(', ')}. Function time is handler time, warm (one process);`
      + ' each invocation also pays Lambda\'s per-request price and, on a cold container, the start. Failed logons are counted, not alerted (the default).');
  } finally {
    await moto.stop();
  }
}

/**
 * 10. A day of a busy EKS cluster's audit log: controllers and kubelets listing, watching and
 * getting (most of it), people's kubectl gets, and a few dozen exec sessions (each logged at three
 * stages), through the built ingest bundle: with the EKS exec filter (evaluated as CloudWatch Logs
 * evaluates JSON patterns: test/support/json-filter-pattern.ts) and with a pass-everything filter.
 * CloudWatch Logs delivers a subscription batch about every second while events arrive.
 */
async function eksDay(): Promise<void> {
  // The controllers' reads are sampled (their volume is the point, not each one); people's requests are all there.
  const noiseShare = QUICK ? 0.002 : 0.05;
  const mix: Array<[fixture: string, perDay: number, what: string]> = [
    ['pods-list', 2_000_000, 'controller and kubelet reads'],
    ['exec-interactive-received', 40, 'exec, RequestReceived'],
    ['exec-interactive-started', 40, 'exec, ResponseStarted'],
    ['exec-interactive-complete', 40, 'exec, ResponseComplete'],
    ['exec-forbidden', 5, 'refused exec'],
    ['portforward', 10, 'port-forward'],
  ];
  const seconds = 86_400;
  const bySecond = new Map<number, string[]>();
  let total = 0;
  let run = 0;
  for (const [fixture, perDay] of mix) {
    const message = eksAuditEvent(fixture);
    const n = fixture === 'pods-list' ? Math.round(perDay * noiseShare) : perDay;
    total += perDay;
    run += n;
    for (let i = 0; i < n; i++) {
      const at = Math.floor(((i + 0.5) / n) * seconds);
      bySecond.set(at, [...(bySecond.get(at) ?? []), message]);
    }
  }
  const filters: Array<[string, (m: string) => boolean]> = [['eksClusters filter', jsonFilterPattern(EKS_EXEC_FILTER_PATTERN)], ['pass everything', () => true]];
  const moto = await startMoto();
  try {
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench-eks' }));
    const rows: Array<Record<string, string>> = [];
    for (const [name, passes] of filters) {
      const deliveries = [...bySecond.values()].map((messages) => messages.filter(passes)).filter((m) => m.length > 0);
      const passed = deliveries.reduce((sum, d) => sum + d.length, 0);
      const invoked = await invokeBundle('ingest', deliveries.map((messages, i) => encodeLogs({
        ...logsPayload(messages, { logGroup: '/aws/eks/prod/cluster', logStream: 'kube-apiserver-audit-0', idPrefix: `${name.length}-${i}-` }),
      })), { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: TopicArn!, ENRICH_INSTANCES: 'false' }, { timed: true });
      const { alerts, ms } = alertsAndTime(invoked);
      // Time grows with events handled: where the sampled reads pass, they stand for all of them.
      const sampled = passed === run ? total / run : 1;
      rows.push(filterDayRow(name, { passed: passed * sampled, invocations: deliveries.length, alerts, ms: ms * sampled }, 3));
    }
    table(`10. A day of a busy EKS cluster's audit log: ${fmt(total)} events (controllers' reads sampled at ${fmt(noiseShare * 100, 1)} %; built ingest bundle, moto on loopback)`, rows);
    console.log(`\nThe mix: ${mix.map(([, perDay, what]) => `${fmt(perDay)} ${what}`).join(', ')}; one delivery per second that has events.`
      + ' Pass-everything time is scaled from the sample to every event; EKS\'s own audit logging is billed by CloudWatch Logs either way.');
  } finally {
    await moto.stop();
  }
}

/**
 * 11. One coverage run (the built bundle, moto on loopback through the call counter) over an estate
 * of 1,000 running instances in 3 regions and 1,000 log streams in one SSH log group: 900 hosts
 * ship, 100 never did. The goal: calls grow with pages, not with instances (⌈instances/1,000⌉
 * DescribeInstances per region, ⌈streams/50⌉ DescribeLogStreams per group, ⌈dark hosts/50⌉
 * DescribeInstanceInformation per region), against the naive design: one DescribeLogStreams
 * (by prefix) per instance. Systems Manager is off here (moto has none).
 */
async function coverageRun(): Promise<void> {
  const [instances, regions] = QUICK ? [60, ['eu-west-1', 'us-east-1', 'ap-south-1']] : [1000, ['eu-west-1', 'us-east-1', 'ap-south-1']];
  const moto = await startMoto();
  const counter = await AwsCallCounter.start(moto.endpoint);
  try {
    const config = awsConfig(moto.endpoint);
    await createLedgerTable(moto.endpoint);
    const { TopicArn } = await new SNSClient(config).send(new CreateTopicCommand({ Name: 'bench-coverage' }));
    const ids: string[] = [];
    for (const [i, region] of regions.entries()) {
      const n = Math.floor(instances / regions.length) + (i < instances % regions.length ? 1 : 0);
      const run = await new EC2Client(awsConfig(moto.endpoint, region)).send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: n, MaxCount: n }));
      ids.push(...run.Instances!.map((x) => x.InstanceId!));
    }
    const logs = new CloudWatchLogsClient(config);
    const group = '/ec2/var/log/secure';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const shipping = ids.slice(0, Math.round(ids.length * 0.9));
    // As many streams as instances: the shipping hosts' own, and streams of hosts long gone.
    const streams = [...shipping, ...Array.from({ length: ids.length - shipping.length }, (_, i) => `i-0gone${String(i).padStart(11, '0')}`)];
    for (const stream of streams) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: Date.now() - 60_000, message: 'sshd[1]: Accepted publickey for ec2-user' }] }));
    }
    // moto stamps every instance launched now: dated back, so that none is too new to judge.
    counter.rewriteAnswers.set('DescribeInstances', (xml) => xml.replace(/<launchTime>[^<]+<\/launchTime>/g, `<launchTime>${new Date(Date.now() - 72 * 3_600_000).toISOString()}</launchTime>`));
    const run = await invokeBundle('host-coverage', [{}], {
      AWS_ENDPOINT_URL: counter.endpoint,
      ALERT_TOPIC_ARN: TopicArn!,
      LEDGER_TABLE_NAME: 'ledger',
      COVERAGE_REGIONS: regions.join(','),
      COVERAGE_LOG_GROUPS: group,
      COVERAGE_SYSTEMS_MANAGER: 'false',
    }, { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:coverage', timeoutMs: 600_000, timed: true });
    const summary = run.invocations[0].result as { coveredHosts: number; neverSeenHosts: number } | undefined;
    const calls = (action: string) => counter.count(action);
    const perRegion = Math.ceil(instances / regions.length);
    table(`11. One coverage run: ${fmt(instances)} running instances in ${regions.length} regions, ${fmt(streams.length)} log streams (built bundle, moto on loopback)`, [
      { 'what': 'DescribeInstances', 'calls': fmt(calls('DescribeInstances')), 'goal': fmt(regions.length * Math.ceil(perRegion / 1000)), 'naive (per instance)': fmt(regions.length) },
      { 'what': 'DescribeLogStreams', 'calls': fmt(calls('DescribeLogStreams')), 'goal': fmt(Math.ceil(streams.length / 50)), 'naive (per instance)': fmt(instances) },
      { 'what': 'rules, trails (DescribeRule, ListRuleNamesByTarget, DescribeTrails, GetTrailStatus, GetEventSelectors)', 'calls': fmt(['DescribeRule', 'ListRuleNamesByTarget', 'DescribeTrails', 'GetTrailStatus', 'GetEventSelectors'].reduce((n, a) => n + calls(a), 0)), 'goal': 'per region', 'naive (per instance)': '' },
      { 'what': 'ledger, topic (BatchGetItem, TransactWriteItems, PublishBatch)', 'calls': fmt(calls('BatchGetItem') + calls('TransactWriteItems') + calls('PublishBatch')), 'goal': '3', 'naive (per instance)': '' },
      { 'what': `handler time (ms): ${fmt(summary?.coveredHosts ?? 0)} covered, ${fmt(summary?.neverSeenHosts ?? 0)} never seen`, 'calls': fmt(run.invocations[0].ms ?? 0), 'goal': '', 'naive (per instance)': '' },
    ]);
    console.log('\nThe naive design asks DescribeLogStreams once per instance (logStreamNamePrefix = its id): its calls grow with the fleet, and CloudWatch Logs allows 25 a second.');
  } finally {
    await counter.stop();
    await moto.stop();
  }
}

/** The alerts a timed run of the ingest bundle published, and its handler time. */
function alertsAndTime(run: { invocations: Array<{ result?: unknown; ms?: number }> }): { alerts: number; ms: number } {
  return {
    alerts: run.invocations.reduce((sum, i) => sum + ((i.result as { alerts?: number } | undefined)?.alerts ?? 0), 0),
    ms: run.invocations.reduce((sum, i) => sum + (i.ms ?? 0), 0),
  };
}

/** A log group filter's day through the ingest bundle as a table row (figures already per day), with Lambda's price at 256 MB arm64. */
interface FilterDay { passed: number; invocations: number; alerts: number; ms: number }

function filterDayRow(filter: string, day: FilterDay, digits: number): Record<string, string> {
  return {
    'filter': filter,
    'events passed / day': fmt(day.passed),
    'invocations / day': fmt(day.invocations),
    'alerts / day': fmt(day.alerts),
    'function time / day (s)': fmt(day.ms / 1000, 1),
    'Lambda $ / month (256 MB arm64)': `$${fmt(day.invocations * 30 * 0.2e-6 + (day.ms / 1000) * 30 * 0.25 * 0.0000133334, digits)}`,
  };
}

/**
 * 12. Where from: the layer's size, what opening the databases costs a cold container, a lookup per
 * login (new addresses and cached ones), the CSV's conversion at synth, and a delivery of SSH logins
 * from distinct public addresses through the ingest bundle with and without geo.
 */
async function whereFrom(): Promise<void> {
  const databases = testGeoDatabases();
  const convertStarted = performance.now();
  // The table the construct makes (cached by content): time a conversion of its own, uncached.
  const texts = ASN_CSV.map((file) => ({ label: file.split('/').pop()!, text: readFileSync(file, 'utf8') }));
  const converted = encodeRangeTable(QUICK ? texts.map((t) => ({ ...t, text: t.text.split('\n').slice(0, 2000).join('\n') })) : texts);
  const convertMs = performance.now() - convertStarted;
  table('12. Where from: the layer\'s files (gzip as a stand-in for the layer\'s zip)', databases.map((d) => {
    const bytes = readFileSync(d.file);
    return { 'file': d.name, 'format': d.file.endsWith('.mmdb') ? 'MaxMind DB' : 'range table (from CSV)', 'size (MB)': fmt(bytes.length / 2 ** 20, 1), 'gzip (MB)': fmt(gzipSync(bytes).length / 2 ** 20, 1) };
  }));
  console.log(`\nCSV to range table at synth: ${fmt(convertMs / 1000, 1)} s${QUICK ? ' (2,000 rows)' : ` for ${fmt(converted.length / 2 ** 20, 1)} MB`}, once per database version (cached by content).`);

  // Opening, in a fresh process as a cold container does: read both files and parse their headers.
  const runs = QUICK ? 1 : 15;
  const open = join(tmpdir(), 'bench-geo-open.js');
  writeFileSync(open, `const { GeoLocator } = require(${JSON.stringify(join(ROOT, 'lambda', 'ingest', 'geo', 'locator.ts'))});
const started = performance.now(); new GeoLocator(${JSON.stringify(databases)}).locate('8.8.8.8'); console.log(performance.now() - started);`);
  const openMs = median(Array.from({ length: runs }, () => Number(execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', open], {
    cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json', NODE_NO_WARNINGS: '1' }, encoding: 'utf8',
  }).trim())));

  const addresses = Array.from({ length: QUICK ? 1000 : 100_000 }, (_, i) => `${(i % 223) + 1}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 254 + 1}`);
  const locator = new GeoLocator(databases);
  locator.locate('8.8.8.8');
  let started = performance.now();
  for (const ip of addresses) locator.locate(ip);
  const newUs = ((performance.now() - started) * 1000) / addresses.length;
  // The last addresses looked up are still in the cache (10,000 kept).
  const recent = addresses.slice(-5000);
  started = performance.now();
  for (const ip of recent) locator.locate(ip);
  const cachedUs = ((performance.now() - started) * 1000) / recent.length;
  started = performance.now();
  minDistanceKm('US', 'RU');
  const firstPairMs = performance.now() - started;
  table('12a. Where from: cost per login and per cold container', [
    { what: 'open both databases (fresh process, first lookup)', cost: `${fmt(openMs, 1)} ms (median of ${runs})` },
    { what: 'a lookup of an address not seen before (country + ASN)', cost: `${fmt(newUs, 1)} µs` },
    { what: 'a lookup of an address seen in this container (cached)', cost: `${fmt(cachedUs, 2)} µs` },
    { what: 'first distance judged (loads the country extents, US–RU)', cost: `${fmt(firstPairMs, 1)} ms` },
  ]);

  // Through the bundle: one delivery of SSH logins from distinct public addresses, without and with geo.
  const moto = await startMoto();
  try {
    const { TopicArn } = await new SNSClient(awsConfig(moto.endpoint)).send(new CreateTopicCommand({ Name: 'bench-geo' }));
    const count = QUICK ? 50 : 1000;
    const lines = Array.from({ length: count }, (_, n) => `Nov 21 09:15:02 web-1 sshd[${n}]: Accepted publickey for u${n} from ${addresses[n]} port ${20000 + n} ssh2`);
    const env = { AWS_ENDPOINT_URL: moto.endpoint, ALERT_TOPIC_ARN: TopicArn!, ENRICH_INSTANCES: 'false' };
    const rows = [];
    for (const [label, extra] of [['without geo', {}], ['with geo', { GEO_DATABASES: JSON.stringify(databases) }]] as const) {
      const run = await invokeBundle('ingest', [logsDelivery(lines, { logStream: 'web-1', idPrefix: `${label}-` })], { ...env, ...extra }, { timed: true });
      rows.push({ 'ingest bundle, cold': label, 'logins': fmt(count), 'alerts': String((run.invocations[0].result as { alerts?: number }).alerts), 'time (ms)': fmt(run.invocations[0].ms!) });
    }
    table(`12b. Where from: one delivery of ${fmt(count)} SSH logins from distinct public addresses (cold, moto on loopback)`, rows);
  } finally {
    await moto.stop();
  }
}

async function main(): Promise<void> {
  console.log(`# cdk-login-alerts benchmarks${QUICK ? ' (quick: proves each section runs; figures mean nothing)' : ''}\n\n${new Date().toISOString()} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model} · ${fmt(totalmem() / 2 ** 30)} GiB`);
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const want = (n: string) => only.length === 0 || only.includes(n);
  if (want('batch')) await largeBatch();
  if (want('coldstart')) {
    coldStart();
    coldStartProfile();
  }
  if (want('synth')) synth();
  if (want('paper')) onPaper();
  if (want('ledger')) await ledger();
  if (want('rules')) rules();
  if (want('reconcile')) await reconciliation();
  if (want('review')) await reviewLoop();
  if (want('windows')) await windowsDay();
  if (want('eks')) await eksDay();
  if (want('coverage')) await coverageRun();
  if (want('geo')) await whereFrom();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
