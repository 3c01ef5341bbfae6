import { hostOf } from './identity';
import { ledgerKey, LINK_ITEM_TTL_SECONDS, type LedgerItem, type LedgerKey, type LoginItem, type PushItem } from './items';
import type { Alert } from '../../shared/alert';
import { KEY_LIFETIME_MS } from '../draft/key-push-correlation';
import { isRootArn, lowerFor, pushedByRoot } from '../draft/severity';

/**
 * Links across deliveries through the login ledger: an Instance Connect key push (the instance's
 * line, or CloudTrail's SendSSHPublicKey minutes later) and the SSH login that used the key, in
 * whichever order they arrive. The second to arrive completes the link; nothing waits for the other.
 * Pure: the alerts and the ledger's answers in, linked alerts and the items to write out.
 * Items: `push` and `login` (items.ts).
 */

const SKEW_MS = 5_000;

const pushKey = (host: string, fingerprint: string | undefined) => ledgerKey('push', host, fingerprint ?? '');
const loginKey = (host: string, fingerprint: string | undefined) => ledgerKey('login', host, fingerprint ?? '');

function isPush(alert: Alert): boolean {
  return alert.kind === 'instance-connect' && alert.keyFingerprint !== undefined;
}

function isKeyLogin(alert: Alert): boolean {
  return alert.kind === 'ssh' && alert.keyFingerprint !== undefined;
}

/** What to read: for each SSH login not yet attributed, its key's push; for each push, a login with its key. */
export function ledgerKeys(alerts: readonly Alert[]): LedgerKey[] {
  const keys = new Map<string, LedgerKey>();
  for (const alert of alerts) {
    const host = hostOf(alert);
    if (!host) continue;
    if (isKeyLogin(alert)) {
      // Its key's push: to attribute the login, or (already attributed in its delivery) not to
      // overwrite CloudTrail's record of it.
      const pk = pushKey(host, alert.keyFingerprint);
      keys.set(pk, { pk, sk: 'push' });
    } else if (isPush(alert)) {
      const pk = loginKey(host, alert.keyFingerprint);
      keys.set(pk, { pk, sk: 'login' });
      // An earlier line (or CloudTrail's record) of the same push.
      const push = pushKey(host, alert.keyFingerprint);
      keys.set(push, { pk: push, sk: 'push' });
    }
  }
  return [...keys.values()];
}

export interface LinkResult {
  readonly alerts: Alert[];
  readonly writes: LedgerItem[];
}

export function linkThroughLedger(alerts: readonly Alert[], found: ReadonlyMap<string, LedgerItem>, nowMs: number): LinkResult {
  const expiresAt = Math.floor(nowMs / 1000) + LINK_ITEM_TTL_SECONDS;
  const writes: LedgerItem[] = [];
  const linked = alerts.map((alert) => {
    const host = hostOf(alert);
    if (!host || !(isKeyLogin(alert) || isPush(alert))) return alert;
    const at = Date.parse(alert.time);
    if (isKeyLogin(alert)) {
      writes.push({ pk: loginKey(host, alert.keyFingerprint), sk: 'login', at, alertId: alert.id, user: alert.user, expiresAt });
      const push = found.get(pushKey(host, alert.keyFingerprint));
      if (alert.actor?.via === 'instance-connect') {
        // Linked to its push line in this delivery: remember that push, so the same push logged
        // again in a later delivery is known as this login's and not a key push of its own.
        if (!(push?.sk === 'push' && push.source === 'cloudtrail')) writes.push(pushItem(host, alert, at, expiresAt, 'instance'));
        return alert;
      }
      if (push?.sk !== 'push' || !withinKeyLife(push.at, at)) return alert;
      return attributeLogin(alert, push);
    }
    const source = 'eventName' in alert.origin ? 'cloudtrail' : 'instance';
    const earlier = found.get(pushKey(host, alert.keyFingerprint));
    const known = earlier?.sk === 'push' && earlier.alertId !== alert.id ? earlier : undefined;
    if (known && source === 'instance' && known.source === 'instance' && samePush(known, alert, at)) {
      // The same push logged again in a later delivery (sshd asks for the key more than once): one
      // push, already alerted. Published for the record as a repeat of it, which destinations leave out.
      return {
        ...alert,
        repeat: { of: known.alertId, count: 1 },
        reasons: [...alert.reasons, `the same key push as alert ${known.alertId} (logged again)`],
      };
    }
    // CloudTrail's record of a push outranks the instance's line, which a user on the instance could forge.
    if (!(known && source === 'instance' && known.source === 'cloudtrail' && withinKeyLife(known.at, at))) {
      writes.push(pushItem(host, alert, at, expiresAt, source));
    }
    const login = found.get(loginKey(host, alert.keyFingerprint));
    if (login?.sk !== 'login' || !withinKeyLife(at, login.at)) return alert;
    return completePush(alert, login);
  });
  return { alerts: linked, writes };
}

/** Who pushed which key to which instance, when: from a push alert, or a login linked to its push line. */
function pushItem(host: string, alert: Alert, at: number, expiresAt: number, source: PushItem['source']): PushItem {
  return {
    pk: pushKey(host, alert.keyFingerprint),
    sk: 'push',
    at,
    alertId: alert.id,
    expiresAt,
    source,
    ...(alert.actor && { actor: alert.actor }),
    ...(alert.session?.requestId && { requestId: alert.session.requestId }),
    ...(alert.osUser && { osUser: alert.osUser }),
  };
}

/** Two lines of one push: the same request-id, or (without one) the same key within its life. */
function samePush(earlier: PushItem, alert: Alert, at: number): boolean {
  const requestId = alert.session?.requestId;
  if (earlier.requestId && requestId) return earlier.requestId === requestId;
  return at >= earlier.at && at - earlier.at <= KEY_LIFETIME_MS;
}

function withinKeyLife(pushAt: number, loginAt: number): boolean {
  return loginAt >= pushAt - SKEW_MS && loginAt <= pushAt + KEY_LIFETIME_MS + SKEW_MS;
}

/** A login whose key was pushed in an earlier delivery (or recorded by CloudTrail): the pusher did it. */
function attributeLogin(alert: Alert, push: PushItem): Alert {
  const related = push.alertId === alert.id ? [] : [push.alertId];
  if (!push.actor) {
    return { ...alert, reasons: [...alert.reasons, 'key pushed with EC2 Instance Connect (principal not recorded)'], relatedAlertIds: related };
  }
  const { severity, reasons } = isRootArn(push.actor.arn) ? pushedByRoot(alert) : lowerFor(alert, `key pushed with EC2 Instance Connect by ${push.actor.arn ?? push.actor.name}`);
  return {
    ...alert,
    severity,
    reasons,
    actor: { ...push.actor, via: 'instance-connect' },
    ...(push.requestId && { session: { ...alert.session, requestId: push.requestId } }),
    relatedAlertIds: related,
  };
}

/** A push whose login was alerted earlier: say which alert it made possible. */
function completePush(alert: Alert, login: LoginItem): Alert {
  return {
    ...alert,
    reasons: alert.reasons.filter((r) => !r.startsWith('no SSH login seen')).concat(`SSH login seen: ${login.user}, alert ${login.alertId}`),
    relatedAlertIds: [...(alert.relatedAlertIds ?? []), login.alertId],
  };
}
