import { type Bar, tally, type Tally } from './tally';
import { SEVERITIES, type Alert, type Severity } from '../../lambda/shared/alert';
import { SEVERITY_COLOURS } from '../../lambda/shared/slack/render';

/**
 * `replay --report <file.html>`: one self-contained page (no script, no request when opened; the
 * charts are inline SVG) for a team deciding on rules: logins over time by severity, by person, by
 * host and by source, what rules would suppress and repeats fold, and every alert with its reasons.
 * Every value from a log is escaped: a user name is anyone's to choose.
 */

export interface ReportSource {
  /** The files replayed, as given. */
  readonly files: readonly string[];
  /** Failed Windows logons counted but not alerted. */
  readonly counted: number;
  /** When the report was written (ISO-8601). */
  readonly writtenAt: string;
}

/** Alerts listed in the table; the charts count them all. */
export const LISTED = 2000;

export function htmlReport(alerts: readonly Alert[], source: ReportSource): string {
  const t = tally(alerts);
  const sorted = [...alerts].sort((a, b) => a.time.localeCompare(b.time));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>cdk-login-alerts replay: ${t.total} alerts</title>
<style>${STYLE}</style>
</head>
<body>
<h1>What would alert: ${t.total} ${t.total === 1 ? 'alert' : 'alerts'}</h1>
<p class="meta">${escape(span(t))} · from ${source.files.map((f) => `<code>${escape(f)}</code>`).join(', ')} · written ${escape(source.writtenAt)} by <code>cdk-login-alerts replay --report</code> (no AWS calls: instances not enriched)</p>
<section id="summary" class="figures">
${figure('total', 'alerts', t.total)}
${figure('shown', 'shown by default (neither suppressed nor a repeat)', t.shown)}
${figure('suppressed', 'suppressed by rules', t.suppressed)}
${figure('repeats', 'repeats folded', t.repeats)}
${SEVERITIES.map((s) => figure(`severity-${s}`, s, t.bySeverity[s])).join('\n')}
${source.counted > 0 ? figure('counted', 'failed Windows logons counted, not alerted', source.counted) : ''}
</section>
<section id="over-time"><h2>Over time, by severity (per ${t.bucket}, UTC)</h2>${timeChart(t)}</section>
<div class="columns">
<section id="by-person"><h2>By person</h2>${barChart('by-person', t.byPerson)}</section>
<section id="by-host"><h2>By host</h2>${barChart('by-host', t.byHost)}</section>
<section id="by-source"><h2>By source address</h2>${barChart('by-source', t.bySource)}</section>
<section id="suppressed-by-rule"><h2>What rules would suppress</h2>${t.suppressed === 0 ? '<p>Nothing: no rule given (<code>--rules</code>), or none matched.</p>' : barChart('suppressed-by-rule', t.suppressedByRule)}</section>
<section id="repeats-of"><h2>What repeats would fold</h2>${t.repeats === 0 ? '<p>Nothing repeated within the repeat window.</p>' : barChart('repeats-of', t.repeatsOf)}</section>
</div>
<section id="alerts"><h2>The alerts${sorted.length > LISTED ? ` (the first ${LISTED} of ${sorted.length})` : ''}</h2>
<table>
<thead><tr><th>time (UTC)</th><th>severity</th><th>summary</th><th>reasons</th><th>shown?</th></tr></thead>
<tbody>
${sorted.slice(0, LISTED).map(row).join('\n')}
</tbody>
</table>
</section>
</body>
</html>
`;
}

function span(t: Tally): string {
  return t.first ? `${t.first} to ${t.last}` : 'no alerts';
}

function figure(id: string, label: string, value: number): string {
  return `<div class="figure" data-figure="${id}"><span class="value">${value}</span><span class="label">${escape(label)}</span></div>`;
}

function row(alert: Alert): string {
  const shown = alert.suppressed ? `suppressed (${escape(alert.suppressed.rule)})` : alert.repeat ? `repeat ${alert.repeat.count} of ${escape(alert.repeat.of)}` : 'yes';
  return `<tr class="alert" data-severity="${alert.severity}"><td>${escape(alert.time)}</td><td><span class="badge" style="background:${SEVERITY_COLOURS[alert.severity]}">${alert.severity}</span></td>`
    + `<td>${escape(alert.summary)}</td><td>${escape(alert.reasons.join('; '))}</td><td>${shown}</td></tr>`;
}

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 260;
const CHART_WIDTH = 560;

/** Horizontal bars, largest first; each bar carries its label and count as data for whoever checks the page. */
function barChart(id: string, bars: readonly Bar[]): string {
  if (bars.length === 0) return '<p>None.</p>';
  const max = Math.max(...bars.map((b) => b.count));
  const width = CHART_WIDTH - LABEL_WIDTH - 50;
  const rows = bars.map((b, i) => {
    const y = i * BAR_HEIGHT;
    const w = Math.max(1, Math.round((b.count / max) * width));
    return `<g class="bar" data-label="${escape(b.label)}"${b.key ? ` data-key="${escape(b.key)}"` : ''} data-count="${b.count}">`
      + `<text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end">${escape(clip(b.label, 40))}<title>${escape(b.label)}</title></text>`
      + `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w}" height="${BAR_HEIGHT - 6}" fill="#4c6ef5"></rect>`
      + `<text x="${LABEL_WIDTH + w + 6}" y="${y + 15}">${b.count}</text></g>`;
  });
  return `<svg class="chart" data-chart="${id}" viewBox="0 0 ${CHART_WIDTH} ${bars.length * BAR_HEIGHT}" width="${CHART_WIDTH}" height="${bars.length * BAR_HEIGHT}" role="img">${rows.join('')}</svg>`;
}

/** Stacked columns per hour or day, least severe at the bottom. */
function timeChart(t: Tally): string {
  if (t.overTime.length === 0) return '<p>No alerts.</p>';
  const height = 180;
  const width = Math.max(560, Math.min(1200, t.overTime.length * 14));
  const column = width / t.overTime.length;
  const max = Math.max(1, ...t.overTime.map((b) => total(b.bySeverity)));
  const columns = t.overTime.map((b, i) => {
    let y = height;
    const parts = SEVERITIES.filter((s) => b.bySeverity[s] > 0).map((s) => {
      const h = (b.bySeverity[s] / max) * (height - 10);
      y -= h;
      return `<rect x="${(i * column + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, column - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${SEVERITY_COLOURS[s]}"><title>${b.start}: ${b.bySeverity[s]} ${s}</title></rect>`;
    });
    return `<g class="column" data-start="${b.start}" data-count="${total(b.bySeverity)}">${parts.join('')}</g>`;
  });
  const legend = SEVERITIES.map((s) => `<span class="badge" style="background:${SEVERITY_COLOURS[s]}">${s}</span>`).join(' ');
  return `<svg class="chart" data-chart="over-time" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`
    + `<line x1="0" y1="${height}" x2="${width}" y2="${height}" stroke="#adb5bd"></line>${columns.join('')}</svg>`
    + `<p class="legend">${legend} · ${t.overTime[0].start} to ${t.overTime[t.overTime.length - 1].start} · highest ${max} in one ${t.bucket}</p>`;
}

function total(counts: Record<Severity, number>): number {
  return SEVERITIES.reduce((n, s) => n + counts[s], 0);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** HTML text and attribute values: nothing a log line says becomes markup. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #212529; max-width: 1300px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 18px 0 8px; }
.meta { color: #495057; margin: 0 0 16px; } code { font: 12px ui-monospace, monospace; background: #f1f3f5; padding: 1px 4px; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; }
.figure { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 12px; min-width: 90px; }
.figure .value { display: block; font-size: 22px; font-weight: 600; } .figure .label { color: #495057; font-size: 12px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 0 24px; }
svg.chart text { font-size: 12px; fill: #343a40; }
.badge { color: #fff; border-radius: 3px; padding: 0 6px; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { border-bottom: 1px solid #e9ecef; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f8f9fa; position: sticky; top: 0; }
`;
