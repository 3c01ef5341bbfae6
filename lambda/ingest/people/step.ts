import { attributeToPeople, type AttributionTrust } from './attribution';
import type { PeopleSource } from './source';
import type { Alert } from '../../shared/alert';
import { summarise } from '../../shared/alert-text';

/** The people directory after the ledger: like enrichment, a failure never holds an alert back. */
export const PEOPLE_UNAVAILABLE_REASON = 'people directory unavailable: no person looked up';

export interface PeopleResult {
  readonly alerts: Alert[];
  /** The directory could not be read: the alerts went out without a person. */
  readonly error?: string;
  /** Entries the directory refused in part (a bad Slack id), to log. */
  readonly problems?: readonly string[];
}

export async function applyPeople(alerts: Alert[], source: PeopleSource, trust: AttributionTrust = {}): Promise<PeopleResult> {
  let directory;
  try {
    directory = await source.load();
  } catch (error) {
    const marked = alerts.map((a) => (a.kind === 'ssh' || a.actor ? { ...a, reasons: [...a.reasons, PEOPLE_UNAVAILABLE_REASON] } : a));
    return { alerts: marked, error: (error as Error).message };
  }
  return {
    ...(directory.problems.length > 0 && { problems: directory.problems }),
    alerts: alerts.map((alert) => {
      const attributed = attributeToPeople(alert, directory, trust);
      return attributed === alert ? alert : { ...attributed, summary: summarise(attributed) };
    }),
  };
}
