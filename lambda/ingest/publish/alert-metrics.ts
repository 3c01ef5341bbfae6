import { WINDOWS_LOGON_FAILURES_METRIC } from '../../../src/contract/metrics';
import { UNPARSED_LINE_REASON, type Alert } from '../../shared/alert';
import type { PipelineMetrics } from '../../shared/metrics';

/**
 * What one delivery published, as metrics (README, "Numbers"): logins by kind and by severity,
 * failures (and failed Windows logons, alerted or not), what rules held back (by rule), repeats, first-seen sources and countries, impossible travel, unparsed lines, failed
 * enrichment; and whether the ledger or the rules could not be read.
 */
export function countAlerts(
  metrics: PipelineMetrics, alerts: readonly Alert[], problems: { ledger?: boolean; rules?: boolean } = {}, held: readonly Alert[] = [],
): void {
  // Every failed Windows logon, alerted or held back (Refined.held): what an open RDP port attracts.
  metrics.count(WINDOWS_LOGON_FAILURES_METRIC, [...alerts, ...held].filter((a) => a.kind === 'windows-logon' && a.outcome === 'failure').length);
  for (const alert of alerts) {
    metrics.count('Logins', 1, ['Kind', alert.kind]);
    metrics.count('Logins', 1, ['Severity', alert.severity]);
    if (alert.outcome === 'failure') metrics.count('FailedLogins', 1);
    if (alert.suppressed) metrics.count('Suppressed', 1, ['Rule', alert.suppressed.rule]);
    if (alert.repeat) metrics.count('Repeats', 1);
    if (alert.history?.firstSeenSource) metrics.count('FirstSeenSources', 1);
    if (alert.history?.firstSeenCountry) metrics.count('FirstSeenCountries', 1);
    if (alert.history?.impossibleTravel) metrics.count('ImpossibleTravel', 1);
    if (alert.reasons.includes(UNPARSED_LINE_REASON)) metrics.count('UnparsedLines', 1);
    if (alert.enrichmentError) metrics.count('EnrichmentFailures', 1);
  }
  if (problems.ledger) metrics.count('LedgerUnavailable', 1);
  if (problems.rules) metrics.count('RulesUnavailable', 1);
}
