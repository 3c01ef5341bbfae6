import type { IngestConfig } from './config';
import type { PublishedItem } from './ledger/items';
import { publishedItems } from './ledger/published';
import { applyLedger } from './ledger/step';
import type { VerifiedFactor } from './parse/sign-in-event';
import { applyPeople } from './people/step';
import { applyRules } from './rules/step';
import type { AlertSources } from './sources';
import { GEO_UNAVAILABLE_LOG, LEDGER_UNAVAILABLE_LOG } from '../../src/contract/log-lines';
import type { Alert } from '../shared/alert';

/**
 * The steps between parsing and publishing, in order, written once: the ingest handler, the
 * reconciler (recovered logins are made exactly as real-time ones) and `cdk-login-alerts replay`
 * all call `refineAlerts`. Where from comes first (the ledger remembers places), then the ledger
 * (links across deliveries, history, repeats), then the people directory, then the rules (they may match on the person found). Each failure is
 * logged and marked on the alerts, never a reason to hold one back. The log messages are what the
 * construct's metric filters count: keep them.
 */
export interface Refined {
  readonly alerts: Alert[];
  /**
   * Logins counted but not alerted: failed Windows logons, unless `alertWindowsLogonFailures` (an
   * RDP port open to the internet collects thousands a day). They went through the ledger, so the
   * success after them says so, and their burst is counted.
   */
  readonly held: Alert[];
  readonly problems: { ledger: boolean; rules: boolean };
}

/** What the steps need of the settings; `nowMs` is the ledger's clock (replay reckons from the log's own time). */
export type RefineSettings = Partial<Pick<IngestConfig, 'historyDays' | 'repeatWindowMs' | 'identityProviderRoles' | 'alertWindowsLogonFailures' | 'newCountryRaises' | 'travelSpeedKmh'>>
  & { readonly nowMs?: number };

/** Whether a login is alerted or only counted (Refined.held). */
export function isHeldBack(alert: Alert, settings: RefineSettings): boolean {
  return alert.kind === 'windows-logon' && alert.outcome === 'failure' && settings.alertWindowsLogonFailures !== true;
}

/** Where failures are said: the functions' Powertools logger, or replay's stderr. */
export interface PipelineLog {
  error(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export async function refineAlerts(
  alerts: Alert[], sources: AlertSources, settings: RefineSettings, logger: PipelineLog, verifiedFactors: readonly VerifiedFactor[] = [],
): Promise<Refined> {
  const problems = { ledger: false, rules: false };
  let current = alerts;
  if (sources.geo && current.length > 0) {
    const located = sources.geo.apply(current);
    if (located.error) logger.error(GEO_UNAVAILABLE_LOG, { reason: located.error });
    current = located.alerts;
  }
  if (sources.ledger && (current.length > 0 || verifiedFactors.length > 0)) {
    const { historyDays, repeatWindowMs, newCountryRaises, travelSpeedKmh } = settings;
    const geo = { newCountryRaises, travelSpeedKmh };
    const linked = await applyLedger(current, sources.ledger, settings.nowMs ?? Date.now(), { historyDays, repeatWindowMs, verifiedFactors, geo });
    if (linked.readError) logger.error(LEDGER_UNAVAILABLE_LOG, { reason: linked.readError, alerts: linked.alerts.length });
    if (linked.writeError) logger.error(LEDGER_UNAVAILABLE_LOG, { reason: `write failed: ${linked.writeError}`, items: linked.writes });
    problems.ledger = Boolean(linked.readError ?? linked.writeError);
    current = linked.alerts;
  }
  if (sources.people && current.length > 0) {
    const attributed = await applyPeople(current, sources.people, { identityProviderRoles: settings.identityProviderRoles });
    if (attributed.error) logger.error('people directory unavailable', { reason: attributed.error });
    if (attributed.problems) logger.warn('people directory entries refused', { problems: attributed.problems });
    current = attributed.alerts;
  }
  if (sources.rules && current.length > 0) {
    const ruled = await applyRules(current, sources.rules);
    if (ruled.error) logger.error('alert rules unavailable', { reason: ruled.error });
    problems.rules = ruled.error !== undefined;
    current = ruled.alerts;
  }
  const held = current.filter((a) => isHeldBack(a, settings));
  return { alerts: held.length > 0 ? current.filter((a) => !isHeldBack(a, settings)) : current, held, problems };
}

/**
 * Records in the ledger that these records' alerts reached the topic. A failure costs nothing now
 * (the alerts are out) but a later reconciliation run would publish them again as recovered: it is
 * logged like every ledger failure, which alarms.
 */
export async function recordPublished(
  sources: AlertSources, recordIds: readonly string[], by: PublishedItem['by'], logger: PipelineLog,
): Promise<boolean> {
  if (!sources.ledger || recordIds.length === 0) return true;
  try {
    await sources.ledger.put(publishedItems(recordIds, Date.now(), by));
    return true;
  } catch (error) {
    logger.error(LEDGER_UNAVAILABLE_LOG, { reason: `published alerts not recorded: ${(error as Error).message}`, records: recordIds.length });
    return false;
  }
}
