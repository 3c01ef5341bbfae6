import { readCoverageConfig } from '../../lambda/host-coverage/config';
import { readHeartbeats } from '../../lambda/host-coverage/heartbeats';
import { coverageReaders } from '../../lambda/host-coverage/readers';
import { runCoverage, type CoverageRun } from '../../lambda/host-coverage/run';
import { EMPTY_STATE } from '../../lambda/host-coverage/state';
import { dynamoLedger } from '../../lambda/ingest/ledger/table';
import { deploymentLabel } from '../../lambda/shared/heartbeat';

/**
 * `check --coverage`: the coverage function's run, now, with the user's credentials and the
 * function's own settings: read-only (nothing is published, nothing stored), so it can be run at
 * any time without changing what the next scheduled run reports.
 */
export async function coverageNow(
  environment: Record<string, string>, region: string, account: string,
): Promise<CoverageRun & { problems: string[] }> {
  const config = readCoverageConfig({ ...environment, AWS_REGION: region });
  const readers = coverageReaders(config, region, 4);
  const problems: string[] = [];
  const run = await runCoverage({
    regions: config.regions,
    options: { silentAfterMs: config.silentAfterMs, minAgeMs: config.minAgeMs, exemptTags: config.exemptTags },
    context: { account, region },
    now: Date.now,
    remainingMs: () => Number.POSITIVE_INFINITY,
    readState: async () => ({ state: EMPTY_STATE }),
    writeState: async () => true,
    streams: () => readers.streams(),
    region: (name) => readers.region(name),
    publish: async () => undefined,
    problem: (problem, detail) => problems.push(`${problem}${Object.keys(detail).length > 0 ? ` ${JSON.stringify(detail)}` : ''}`),
    // Where the topic is: the heartbeats recorded so far (read from the ledger; no heartbeat is sent from here).
    ...(config.recordsHeartbeats && {
      heartbeats: {
        read: () => readHeartbeats(dynamoLedger(config.tableName)),
        options: { silentAfterMs: config.heartbeatSilentAfterMs, expectedAccounts: config.memberAccounts },
      },
    }),
  });
  return { ...run, problems };
}

const STATUS: Record<string, string> = { 'silent': 'silent', 'never-seen': 'never seen' };

/** The report as a reader wants it: dark hosts in a table with why and what to do, then each region's sources. */
export function coverageText(run: CoverageRun & { problems: string[] }): string {
  const { report, state } = run;
  const hosts = [...report.neverSeenHosts, ...report.silentHosts];
  const rows = hosts.map((h) => [h.region, h.instanceId, h.name ?? '', STATUS[h.status], h.reason]);
  const header = ['region', 'instance', 'name', 'coverage', 'why, and what to do'];
  const widths = header.slice(0, 4).map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.slice(0, 4).map((c, i) => c.padEnd(widths[i])).join('  ')}  ${cells[4]}`;
  const c = report.counts;
  const out = [
    '',
    'Coverage (the coverage function\'s settings, your credentials; nothing published or stored):',
    ...(rows.length > 0 ? [line(header), ...rows.map(line)] : ['  every running instance ships its log']),
    ...(c.silent + c.neverSeen > hosts.length ? [`  … and ${c.silent + c.neverSeen - hosts.length} more (the first 100 of each are listed)`] : []),
    `  ${c.covered} covered, ${c.silent} silent, ${c.neverSeen} never seen, ${c.exempt} exempt, ${c.tooNew} too new to judge`,
    '',
    'Sources by region:',
    ...Object.entries(state.regions).sort(([a], [b]) => a.localeCompare(b)).map(([region, result]) =>
      `  ${region.padEnd(16)}${result.problems.length === 0 ? 'ok' : result.problems.map((p) => p.text).join('\n'.padEnd(19))}`),
    ...(state.accounts ? ['', 'Deployments\' heartbeats:', ...(state.accounts.length === 0
      ? ['  every deployment that sent one sent it within the silence']
      : state.accounts.map((a) => `  ${deploymentLabel(a).padEnd(28)}${a.reason}`))] : []),
    ...(run.problems.length > 0 ? ['', 'Could not read:', ...run.problems.map((p) => `  ${p}`)] : []),
    '',
  ];
  return `${out.join('\n')}\n`;
}
