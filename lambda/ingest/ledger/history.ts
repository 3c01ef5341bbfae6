import { identityOf, sourceOf } from './identity';
import { ledgerKey, type HistoryItem } from './items';
import { DEFAULT_TRAVEL_SPEED_KMH } from '../../../src/contract/geo-settings';
import { SEVERITIES, type Alert, type ImpossibleTravel, type LoginHistory } from '../../shared/alert';
import { raiseFor } from '../draft/severity';
import { minDistanceKm } from '../geo/country-distance';

/**
 * Login history through the ledger: the sources, countries and networks each person logged in from
 * in the last `historyDays`, and their latest located login. For someone the ledger already knows,
 * a source or a country never seen raises the login one level (never above high; once, whichever
 * is new), with a reason for each; a new network in a known country is said (`firstSeenNetwork`),
 * not raised. Someone the ledger has never seen (a new person, or the first days after deploying)
 * gets `history` but no raise: everything would be new, and a launch that pages on every login
 * teaches people to ignore it.
 *
 * Impossible travel: two successful logins of one identity from countries farther apart than
 * `travelSpeedKmh` covers in the time between them raise the later one to high, linked to the
 * earlier (`relatedAlertIds`, `history.impossibleTravel`). Distances are lower bounds between the
 * countries' nearest points (geo/country-distance.ts), so a journey called impossible is. Trusted
 * egress (`geo.trustedEgress`: the user's VPN or proxy) is no place: neither new nor travelled to.
 *
 * Pure: the alerts and the ledger's answers in, alerts and the items to write out. Items: `source`,
 * `person`, `place` and `travel` (items.ts). Only successful logins are remembered; failures are
 * checked against them for sources only.
 */

export interface HistoryKey {
  readonly pk: string;
  readonly sk: 'source' | 'person' | 'place' | 'travel';
}

export const DEFAULT_HISTORY_DAYS = 90;
/** Half the Earth's circumference at 900 km/h is 22 hours: a day covers every journey worth judging. */
const TRAVEL_ITEM_SECONDS = 24 * 60 * 60;

export interface GeoHistoryOptions {
  /** `false`: a new country is said, not raised. */
  readonly newCountryRaises?: boolean;
  /** km/h; 0 turns impossible travel off. */
  readonly travelSpeedKmh?: number;
}

interface Subject {
  readonly identity: string;
  readonly source: string;
  /** A located, untrusted public address: a place. */
  readonly country?: string;
  readonly asn?: number;
}

function subjectOf(alert: Alert): Subject | undefined {
  if (alert.kind === 'instance-connect') return undefined; // a key push or tunnel is not itself a login
  const identity = identityOf(alert);
  const source = sourceOf(alert);
  if (!identity || !source) return undefined;
  const place = alert.geo?.network === 'public' && !alert.geo.trustedEgress ? alert.geo : undefined;
  return { identity, source, ...(place?.country && { country: place.country }), ...(place?.asn !== undefined && { asn: place.asn }) };
}

const sourcePk = (s: Subject) => ledgerKey('source', s.identity, s.source);
const personPk = (s: Subject) => ledgerKey('person', s.identity);
const countryPk = (s: Subject) => (s.country ? ledgerKey('place', s.identity, 'country', s.country) : undefined);
const networkPk = (s: Subject) => (s.asn !== undefined ? ledgerKey('place', s.identity, 'asn', String(s.asn)) : undefined);
const travelPk = (s: Subject) => ledgerKey('travel', s.identity);

export function historyKeys(alerts: readonly Alert[]): HistoryKey[] {
  const keys = new Map<string, HistoryKey>();
  for (const alert of alerts) {
    const subject = subjectOf(alert);
    if (!subject) continue;
    keys.set(sourcePk(subject), { pk: sourcePk(subject), sk: 'source' });
    keys.set(personPk(subject), { pk: personPk(subject), sk: 'person' });
    for (const pk of [countryPk(subject), networkPk(subject)]) if (pk) keys.set(pk, { pk, sk: 'place' });
    if (subject.country) keys.set(travelPk(subject), { pk: travelPk(subject), sk: 'travel' });
  }
  return [...keys.values()];
}

export interface HistoryResult {
  readonly alerts: Alert[];
  readonly writes: HistoryItem[];
}

/** What the ledger answered for a history key. */
export interface HistoryFound {
  readonly sk: string;
  readonly lastSeen?: number;
  /** `travel` items. */
  readonly at?: number;
  readonly country?: string;
  readonly alertId?: string;
}

interface Located {
  readonly at: number;
  readonly country: string;
  readonly alertId: string;
}

export function applyHistory(
  alerts: readonly Alert[],
  found: ReadonlyMap<string, HistoryFound>,
  nowMs: number,
  historyDays = DEFAULT_HISTORY_DAYS,
  geo: GeoHistoryOptions = {},
): HistoryResult {
  const horizon = nowMs - historyDays * 86_400_000;
  const speed = geo.travelSpeedKmh ?? DEFAULT_TRAVEL_SPEED_KMH;
  // What this delivery adds, so a second login from the same new place in it is not new again.
  const seen = new Map<string, number>();
  const latest = new Map<string, Located>();
  const known = (pk: string | undefined) => {
    if (pk === undefined) return undefined;
    const local = seen.get(pk);
    if (local !== undefined) return local;
    const item = found.get(pk);
    return item?.lastSeen !== undefined && item.lastSeen >= horizon ? item.lastSeen : undefined;
  };
  const lastLocated = (pk: string): Located | undefined => {
    const local = latest.get(pk);
    if (local) return local;
    const item = found.get(pk);
    return item?.sk === 'travel' && item.at !== undefined && item.country && item.alertId ? { at: item.at, country: item.country, alertId: item.alertId } : undefined;
  };
  const writes = new Map<string, HistoryItem>();
  // In the order the logins happened, not the order they were read: the earlier login from a new
  // place is the first-seen one, whichever line a delivery (or the reconciler) carries first.
  const order = alerts.map((_, i) => i).sort((a, b) => (Date.parse(alerts[a].time) || 0) - (Date.parse(alerts[b].time) || 0));
  const result: Alert[] = [...alerts];
  for (const index of order) result[index] = applyOne(alerts[index]);
  return { alerts: result, writes: [...writes.values()] };

  function remember(subject: Subject, at: number, alert: Alert): void {
    const expiresAt = Math.floor(Math.max(at, nowMs) / 1000) + historyDays * 86_400;
    const places = [[sourcePk(subject), 'source'], [personPk(subject), 'person'], [countryPk(subject), 'place'], [networkPk(subject), 'place']] as const;
    for (const [pk, sk] of places) {
      if (pk === undefined) continue;
      const last = Math.max(at, seen.get(pk) ?? 0, found.get(pk)?.lastSeen ?? 0);
      seen.set(pk, last);
      writes.set(pk, { pk, sk, lastSeen: last, expiresAt } as HistoryItem);
    }
    if (!subject.country) return;
    const pk = travelPk(subject);
    const previous = lastLocated(pk);
    if (previous && previous.at > at) return; // a late line does not replace the newer login
    latest.set(pk, { at, country: subject.country, alertId: alert.id });
    writes.set(pk, { pk, sk: 'travel', at, country: subject.country, alertId: alert.id, expiresAt: Math.floor(Math.max(at, nowMs) / 1000) + TRAVEL_ITEM_SECONDS });
  }

  function applyOne(alert: Alert): Alert {
    const subject = subjectOf(alert);
    if (!subject) return alert;
    const at = Date.parse(alert.time);
    const lastSeen = known(sourcePk(subject));
    const personKnown = known(personPk(subject)) !== undefined;
    const success = alert.outcome === 'success';
    const newCountry = success && subject.country !== undefined && known(countryPk(subject)) === undefined;
    const newNetwork = success && subject.asn !== undefined && known(networkPk(subject)) === undefined;
    const travel = success && subject.country && speed > 0 ? impossibleTravel(subject, at, alert.id) : undefined;
    if (success) remember(subject, at, alert);
    const history: LoginHistory = {
      firstSeenSource: lastSeen === undefined,
      ...(lastSeen !== undefined && { lastSeen: new Date(lastSeen).toISOString() }),
      ...(newCountry && { firstSeenCountry: true }),
      ...(newNetwork && { firstSeenNetwork: true }),
      ...(travel && { impossibleTravel: travel }),
    };
    // Unchanged, so no reason: `reasons` say why the severity is what it is.
    const raises: string[] = [];
    if (personKnown && lastSeen === undefined) raises.push(`source ${subject.source} not seen for ${describe(alert)} in ${historyDays} days`);
    if (personKnown && newCountry && geo.newCountryRaises !== false) raises.push(`first login from ${countryLabel(alert)} for ${describe(alert)} in ${historyDays} days`);
    let next: Alert = { ...alert, history };
    if (raises.length > 0) {
      const raised = raiseFor(next, raises[0], 'high');
      next = { ...next, ...raised, reasons: [...raised.reasons, ...raises.slice(1)] };
    }
    if (travel) next = impossible(next, travel);
    return next;
  }

  function impossibleTravel(subject: Subject, at: number, alertId: string): ImpossibleTravel | undefined {
    const previous = lastLocated(travelPk(subject));
    if (!previous || previous.alertId === alertId || previous.country === subject.country) return undefined;
    const minutesApart = Math.abs(at - previous.at) / 60_000;
    const distance = minDistanceKm(previous.country, subject.country!);
    if (distance === undefined || distance <= (speed * minutesApart) / 60) return undefined;
    return {
      fromAlertId: previous.alertId,
      fromCountry: previous.country,
      fromTime: new Date(previous.at).toISOString(),
      minDistanceKm: distance,
      minutesApart: Math.round(minutesApart),
      speedKmh: speed,
    };
  }
}

/** Raised to high at least, linked to the earlier login. */
function impossible(alert: Alert, travel: ImpossibleTravel): Alert {
  const high = SEVERITIES.indexOf('high');
  const severity = SEVERITIES.indexOf(alert.severity) < high ? 'high' : alert.severity;
  const reason = `impossible travel: from ${travel.fromCountry} ${travel.minutesApart} minutes before, at least ${travel.minDistanceKm.toLocaleString('en-US')} km away (faster than ${travel.speedKmh} km/h)`;
  const related = [...new Set([...(alert.relatedAlertIds ?? []), travel.fromAlertId])];
  return { ...alert, severity, reasons: [...alert.reasons, reason], relatedAlertIds: related };
}

function countryLabel(alert: Alert): string {
  const { country, countryName } = alert.geo ?? {};
  return countryName ? `${countryName} (${country})` : `${country}`;
}

function describe(alert: Alert): string {
  return alert.actor?.name ?? alert.user;
}
