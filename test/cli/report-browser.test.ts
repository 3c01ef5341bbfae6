import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { bundlePath } from '../support/invoke-bundle';

/**
 * `replay --report` opened in a real browser (Debian's headless Chromium, driven by playwright-core):
 * the page loads nothing from the network, every chart renders, and its numbers are those of the
 * alerts the same replay prints with `--json`. With UPDATE_README_SCREENSHOT=1 it also writes the
 * screenshot README shows (docs/replay-report.png).
 */

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'replay-report-'));
const fixtures = join(__dirname, '..', 'fixtures');

/** A morning of one bastion, the day of the CloudTrail sample: the CI user's burst (rules suppress it), alice's repeated logins, one root login. */
function authLog(): string {
  const line = (minute: number, user: string, from: string, key: string, pid: number) =>
    `2026-11-20T${String(7 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:07.000000+00:00 bastion-1 sshd[${pid}]: `
    + `Accepted publickey for ${user} from ${from} port ${50000 + pid} ssh2: ED25519 SHA256:${key}`;
  return [
    ...[1, 2, 3].map((m, i) => line(m, 'deploy', '198.51.100.7', 'ciKey', 100 + i)),
    ...[70, 72, 74, 76].map((m, i) => line(m, 'alice', '203.0.113.20', 'aliceKey', 200 + i)),
    line(250, 'root', '203.0.113.66', 'rootKey', 300),
    'Nov 20 11:11:00 bastion-1 sshd[301]: Connection closed by 203.0.113.66 port 50301 [preauth]',
  ].join('\n');
}

function replay(...args: string[]) {
  const result = spawnSync(process.execPath, [bundlePath('cli'), 'replay', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium), as .ci/run does, or set CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(() => browser?.close());

test('the report renders offline, with the numbers of the alerts replay prints', async () => {
  const log = join(dir, 'secure');
  writeFileSync(log, authLog());
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ rules: [{ name: 'deploy from CI', action: 'suppress', match: { users: ['deploy'], sourceCidrs: ['198.51.100.0/24'] } }] }));
  const inputs = [log, join(fixtures, 'cloudtrail', 'iam-user-mfa.json'), '--rules', rules];

  // What the alerts are, from the command's own JSON: the page must agree with it.
  const printed = replay('--json', ...inputs);
  expect(printed.code).toBe(0);
  const alerts = printed.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const count = (key: (a: any) => string, of: any[] = alerts) =>
    of.reduce((m: Record<string, number>, a: any) => ({ ...m, [key(a)]: (m[key(a)] ?? 0) + 1 }), {});
  expect(alerts.length).toBe(9);

  const page = join(dir, 'report.html');
  const written = replay(...inputs, '--report', page);
  expect([written.code, written.stdout]).toEqual([0, '']);
  expect(written.stderr).toContain(`report written to ${page}`);

  const tab = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const requests: string[] = [];
  tab.on('request', (r) => requests.push(r.url()));
  await tab.goto(pathToFileURL(page).href);
  expect(requests).toEqual([pathToFileURL(page).href]);

  const figure = (id: string) => tab.$eval(`[data-figure="${id}"] .value`, (e) => Number(e.textContent));
  expect(await figure('total')).toBe(alerts.length);
  expect(await figure('suppressed')).toBe(alerts.filter((a: any) => a.suppressed).length);
  expect(await figure('repeats')).toBe(alerts.filter((a: any) => a.repeat).length);
  for (const [severity, n] of Object.entries(count((a) => a.severity))) expect([severity, await figure(`severity-${severity}`)]).toEqual([severity, n]);

  // Each chart is drawn: its bars have a size on the page, and carry the counts of the alerts.
  const bars = (chart: string) => tab.$$eval(`svg[data-chart="${chart}"] g.bar`, (gs) => gs.map((g) => {
    const box = g.querySelector('rect')!.getBoundingClientRect();
    return { label: g.getAttribute('data-key') ?? g.getAttribute('data-label')!, count: Number(g.getAttribute('data-count')), drawn: box.width > 0 && box.height > 0 };
  }));
  const asCounts = (list: Array<{ label: string; count: number; drawn: boolean }>) => {
    for (const b of list) expect([b.label, b.drawn]).toEqual([b.label, true]);
    return Object.fromEntries(list.map((b) => [b.label, b.count]));
  };
  expect(asCounts(await bars('by-person'))).toEqual(count((a) => (a.actor ? `${a.actor.name} (${a.user})` : a.user)));
  expect(asCounts(await bars('by-source'))).toEqual(count((a) => a.sourceIp ?? '(no address)'));
  expect(asCounts(await bars('suppressed-by-rule'))).toEqual({ 'deploy from CI': 3 });
  // The CI user's burst is folded too (suppressed, and repeats of its first); alice's three repeats of her first.
  const repeats = alerts.filter((a: any) => a.repeat);
  expect(asCounts(await bars('repeats-of'))).toEqual(count((a) => a.repeat.of, repeats));
  const firstAlice = alerts.find((a: any) => a.user === 'alice' && !a.repeat).id;
  expect(count((a) => a.repeat.of, repeats)[firstAlice]).toBe(3);
  const columns = await tab.$$eval('svg[data-chart="over-time"] g.column', (gs) => gs.map((g) => Number(g.getAttribute('data-count'))));
  expect(columns.reduce((n, c) => n + c, 0)).toBe(alerts.length);
  expect(await tab.$$eval('tr.alert', (rows) => rows.length)).toBe(alerts.length);

  await tab.screenshot({ path: join(dir, 'report.png'), fullPage: true });
  if (process.env.UPDATE_README_SCREENSHOT === '1') await tab.screenshot({ path: join(__dirname, '..', '..', 'docs', 'replay-report.png'), fullPage: false });
  await tab.close();
}, 60_000);
