import { SEVERITIES, type Alert, type Severity } from '../../lambda/shared/alert';

/**
 * What a replay report counts: logins over time by severity, by person, by host and by source, what
 * the rules suppressed and what repeats folded. Pure: the same alerts give the same figures, which
 * the page shows and a test compares with the alerts.
 */

export interface Bar {
  readonly label: string;
  readonly count: number;
  /** What the bar counts when the label is only its description (a repeated login's alert id). */
  readonly key?: string;
}

export interface TimeBucket {
  /** ISO-8601 start of the bucket (an hour or a day, UTC). */
  readonly start: string;
  readonly bySeverity: Record<Severity, number>;
}

export interface Tally {
  readonly total: number;
  readonly first?: string;
  readonly last?: string;
  readonly bySeverity: Record<Severity, number>;
  /** Hours when the alerts span two days or less, else days. */
  readonly bucket: 'hour' | 'day';
  readonly overTime: TimeBucket[];
  readonly byPerson: Bar[];
  readonly byHost: Bar[];
  readonly bySource: Bar[];
  /** Suppressed alerts by rule: what destinations would not show. */
  readonly suppressedByRule: Bar[];
  /** Repeats by the login they repeat: what destinations would fold into it. */
  readonly repeatsOf: Bar[];
  readonly suppressed: number;
  readonly repeats: number;
  /** Alerts destinations would show by default: neither suppressed nor a repeat. */
  readonly shown: number;
}

/** Bars past this many are summed into one "others" bar. */
export const TOP = 15;

const DAY_MS = 86_400_000;

export function tally(alerts: readonly Alert[]): Tally {
  const times = alerts.map((a) => Date.parse(a.time)).filter(Number.isFinite).sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  const bucket = first !== undefined && last - first > 2 * DAY_MS ? 'day' : 'hour';
  const size = bucket === 'day' ? DAY_MS : 3_600_000;
  const buckets = new Map<number, Record<Severity, number>>();
  for (const alert of alerts) {
    const at = Date.parse(alert.time);
    if (!Number.isFinite(at)) continue;
    const start = Math.floor(at / size) * size;
    const counts = buckets.get(start) ?? emptySeverities();
    counts[alert.severity]++;
    buckets.set(start, counts);
  }
  // Every bucket from the first to the last, empty ones too: time reads evenly.
  const overTime: TimeBucket[] = [];
  if (first !== undefined) {
    for (let start = Math.floor(first / size) * size; start <= last; start += size) {
      overTime.push({ start: new Date(start).toISOString(), bySeverity: buckets.get(start) ?? emptySeverities() });
    }
  }
  const bySeverity = emptySeverities();
  for (const alert of alerts) bySeverity[alert.severity]++;
  const suppressed = alerts.filter((a) => a.suppressed !== undefined);
  const repeats = alerts.filter((a) => a.repeat !== undefined);
  return {
    total: alerts.length,
    ...(first !== undefined && { first: new Date(first).toISOString(), last: new Date(last).toISOString() }),
    bySeverity,
    bucket,
    overTime,
    byPerson: bars(alerts, person),
    byHost: bars(alerts, host),
    bySource: bars(alerts, (a) => a.sourceIp ?? '(no address)'),
    suppressedByRule: bars(suppressed, (a) => a.suppressed!.rule),
    repeatsOf: repeatBars(alerts, repeats),
    suppressed: suppressed.length,
    repeats: repeats.length,
    shown: alerts.filter((a) => a.suppressed === undefined && a.repeat === undefined).length,
  };
}

/** The person when attribution named one, else the account that logged in. */
export function person(alert: Alert): string {
  return alert.actor ? `${alert.actor.name} (${alert.user})` : alert.user;
}

export function host(alert: Alert): string {
  const h = alert.host;
  return h?.name ?? h?.instanceId ?? h?.hostname ?? alert.container?.task ?? alert.pod?.pod ?? `(${alert.kind}: no host)`;
}

/** Repeats by the login they repeat, labelled with that login's summary when it is among the alerts. */
function repeatBars(alerts: readonly Alert[], repeats: readonly Alert[]): Bar[] {
  const summaries = new Map(alerts.map((a) => [a.id, a.summary]));
  return bars(repeats, (a) => a.repeat!.of)
    .map((b) => (summaries.has(b.label) ? { label: summaries.get(b.label)!, count: b.count, key: b.label } : b));
}

function bars(alerts: readonly Alert[], key: (a: Alert) => string): Bar[] {
  const counts = new Map<string, number>();
  for (const alert of alerts) counts.set(key(alert), (counts.get(key(alert)) ?? 0) + 1);
  const sorted = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  if (sorted.length <= TOP) return sorted;
  const others = sorted.slice(TOP - 1);
  return [...sorted.slice(0, TOP - 1), { label: `${others.length} others`, count: others.reduce((n, b) => n + b.count, 0) }];
}

function emptySeverities(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}
