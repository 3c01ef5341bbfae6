import type { Logger } from '@aws-lambda-powertools/logger';
import type { IngestConfig } from './config';
import type { PublishedItem } from './ledger/items';
import { publishedItems } from './ledger/published';
import { applyLedger } from './ledger/step';
import { applyPeople } from './people/step';
import { applyRules } from './rules/step';
import type { AlertSources } from './sources';
import { LEDGER_UNAVAILABLE_LOG } from '../../src/contract/log-lines';
import type { Alert } from '../shared/alert';

/**
 * The steps between parsing and publishing, in order: the ledger (links, history, repeats), the
 * people directory, then the rules (they may match on the actor attribution found). Each failure is
 * logged and marked on the alerts, never a reason to hold one back. The log messages are what the
 * construct's metric filters count: keep them.
 */
export interface Refined {
  readonly alerts: Alert[];
  readonly problems: { ledger: boolean; rules: boolean };
}

export async function refineAlerts(
  alerts: Alert[], sources: AlertSources, config: Pick<IngestConfig, 'historyDays' | 'repeatWindowMs'> & Partial<Pick<IngestConfig, 'identityProviderRoles'>>, logger: Logger,
): Promise<Refined> {
  const problems = { ledger: false, rules: false };
  let current = alerts;
  if (sources.ledger && current.length > 0) {
    const linked = await applyLedger(current, sources.ledger, Date.now(), { historyDays: config.historyDays, repeatWindowMs: config.repeatWindowMs });
    if (linked.readError) logger.error(LEDGER_UNAVAILABLE_LOG, { reason: linked.readError, alerts: linked.alerts.length });
    if (linked.writeError) logger.error(LEDGER_UNAVAILABLE_LOG, { reason: `write failed: ${linked.writeError}`, items: linked.writes });
    problems.ledger = Boolean(linked.readError ?? linked.writeError);
    current = linked.alerts;
  }
  if (sources.people && current.length > 0) {
    const attributed = await applyPeople(current, sources.people, { identityProviderRoles: config.identityProviderRoles });
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
  return { alerts: current, problems };
}

/**
 * Records in the ledger that these records' alerts reached the topic. A failure costs nothing now
 * (the alerts are out) but a later reconciliation run would publish them again as recovered: it is
 * logged like every ledger failure, which alarms.
 */
export async function recordPublished(
  sources: AlertSources, recordIds: readonly string[], by: PublishedItem['by'], logger: Logger,
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
