import { htmlReport } from '../../cli/report/html-report';
import { tally, TOP } from '../../cli/report/tally';
import { ALERT_SCHEMA_VERSION, type Alert } from '../../lambda/shared/alert';

/** The replay report's figures and page, from alerts made here (the browser test runs the real command). */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 9);

function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: `a${n}`,
    kind: 'ssh',
    severity: 'medium',
    reasons: ['publickey login'],
    outcome: 'success',
    time: new Date(T0 + n * 60_000).toISOString(),
    account: '123456789012',
    region: 'eu-west-1',
    user: 'deploy',
    summary: `SSH login ${n}`,
    sourceIp: '198.51.100.7',
    host: { hostname: 'web-1' },
    origin: { logGroup: 'g', logStream: 's', message: 'm' },
    ...overrides,
  } as Alert;
}

test('counts by severity, person, host and source; suppressed and repeats apart; hours for a short span', () => {
  const alerts = [
    alert(1),
    alert(2, { severity: 'high', user: 'root', host: { hostname: 'db-1' } }),
    alert(3, { suppressed: { rule: 'deploy from CI' }, severity: 'info' }),
    alert(4, { repeat: { of: 'a1', count: 1 } }),
    alert(90, { actor: { name: 'Alice Doe', via: 'key-owner' }, user: 'ec2-user', sourceIp: '203.0.113.9' }),
  ];
  const t = tally(alerts);
  expect(t).toMatchObject({ total: 5, shown: 3, suppressed: 1, repeats: 1, bucket: 'hour' });
  expect(t.bySeverity).toEqual({ info: 1, low: 0, medium: 3, high: 1, critical: 0 });
  expect(t.byPerson).toEqual([{ label: 'deploy', count: 3 }, { label: 'Alice Doe (ec2-user)', count: 1 }, { label: 'root', count: 1 }]);
  expect(t.byHost).toEqual([{ label: 'web-1', count: 4 }, { label: 'db-1', count: 1 }]);
  expect(t.bySource).toEqual([{ label: '198.51.100.7', count: 4 }, { label: '203.0.113.9', count: 1 }]);
  expect(t.suppressedByRule).toEqual([{ label: 'deploy from CI', count: 1 }]);
  // Labelled with the repeated login's summary, counted by its id.
  expect(t.repeatsOf).toEqual([{ label: 'SSH login 1', key: 'a1', count: 1 }]);
  // 09:01 to 10:30: two hours, each counted.
  expect(t.overTime.map((b) => [b.start, b.bySeverity.medium + b.bySeverity.high + b.bySeverity.info])).toEqual([
    ['2026-11-02T09:00:00.000Z', 4], ['2026-11-02T10:00:00.000Z', 1],
  ]);
});

test('days for a span past two days, empty days kept; past 15 people the rest are one bar', () => {
  const alerts = [alert(0), alert(0, { time: new Date(T0 + 4 * 24 * HOUR).toISOString() })];
  expect(tally(alerts).overTime.map((b) => b.start)).toEqual([0, 1, 2, 3, 4].map((d) => new Date(Date.UTC(2026, 10, 2 + d)).toISOString()));
  const many = Array.from({ length: 20 }, (_, i) => alert(i, { user: `u${String(i).padStart(2, '0')}` }));
  const byPerson = tally(many).byPerson;
  expect(byPerson).toHaveLength(TOP);
  expect(byPerson[TOP - 1]).toEqual({ label: '6 others', count: 6 });
});

test('what a log says is text on the page, never markup; the page asks for nothing from the network', () => {
  const hostile = alert(1, { user: '<script>alert(1)</script>', summary: '"><img src=x onerror=alert(1)>', host: { hostname: "web'1" } });
  const page = htmlReport([hostile], { files: ['<evil>.log'], counted: 0, writtenAt: '2026-12-04T00:00:00.000Z' });
  expect(page).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
  expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  expect(page).toContain('data-label="web&#39;1"');
  expect(page).toContain('&lt;evil&gt;.log');
  expect(page).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">');
  expect(page).not.toMatch(/\b(src|href)="https?:/);
});
