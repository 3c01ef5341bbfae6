import type { LogEvent, LogsDelivery } from './envelope';
import { hostKeyFor, hostKeyString } from './host-key';
import type { KeyPushLine } from './instance-connect-line';
import { lowerFor } from './severity';
import type { AlertDraft } from './ssh-alert';
import { ALERT_SCHEMA_VERSION, UNKNOWN_USER } from '../shared/alert';

/**
 * Links an SSH login to the EC2 Instance Connect key push that made it possible, within one
 * delivery: same instance (the same log stream or host), same key fingerprint, and the login within
 * the key's 60-second life (a few seconds' clock skew allowed either way). A linked login gets the
 * pusher as `actor` (`via: instance-connect`), the push's request id as `session`, and one severity
 * level less, with the reason. Never across instances or fingerprints. A push with no login in the
 * delivery becomes an `instance-connect` alert of its own (low). Pure: data in, data out.
 */

export const KEY_LIFETIME_MS = 60_000;
const SKEW_MS = 5_000;

export interface KeyPush {
  readonly event: LogEvent;
  readonly line: KeyPushLine;
}

export function correlateKeyPushes(drafts: AlertDraft[], pushes: KeyPush[], delivery: LogsDelivery, region: string): AlertDraft[] {
  const used = new Set<KeyPush>();
  const linked = drafts.map((draft) => {
    if (draft.kind !== 'ssh' || !draft.keyFingerprint || !draft.hostKey) return draft;
    const at = Date.parse(draft.time);
    const host = hostKeyString(draft.hostKey);
    const push = pushes
      .filter((p) => p.line.fingerprint === draft.keyFingerprint && pushHost(p, delivery) === host)
      .filter((p) => at >= pushTime(p) - SKEW_MS && at <= pushTime(p) + KEY_LIFETIME_MS + SKEW_MS)
      // The latest push before the login is the one whose key was used.
      .sort((a, b) => pushTime(b) - pushTime(a))[0];
    if (!push) return draft;
    used.add(push);
    const session = { ...draft.session, ...(push.line.requestId && { requestId: push.line.requestId }) };
    if (!push.line.actor) {
      const why = push.line.principalArn ? 'principal is not a valid ARN, not trusted' : 'principal not recorded';
      return { ...draft, session, reasons: [...draft.reasons, `key pushed with EC2 Instance Connect (${why})`] };
    }
    const { severity, reasons } = lowerFor(draft, `key pushed with EC2 Instance Connect by ${push.line.actor.arn}`);
    return { ...draft, severity, reasons, actor: push.line.actor, session };
  });
  const unlinked = pushes.filter((p) => !used.has(p)).map((p) => pushDraft(p, delivery, region));
  return [...linked, ...unlinked];
}

function pushTime(push: KeyPush): number {
  return push.line.time ? Date.parse(push.line.time) : push.event.timestamp;
}

function pushHost(push: KeyPush, delivery: LogsDelivery): string | undefined {
  const key = hostKeyFor(delivery.logStream, push.line.hostname);
  return key && hostKeyString(key);
}

/** A key push with no SSH login seen with it: someone may be about to log in, or tried and failed. */
function pushDraft(push: KeyPush, delivery: LogsDelivery, region: string): AlertDraft {
  const { line, event } = push;
  const reasons = ['EC2 Instance Connect key push', 'no SSH login seen with it in this delivery'];
  if (!line.actor) reasons.push(line.principalArn ? 'principal is not a valid ARN, not trusted' : 'principal not recorded');
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.id,
    kind: 'instance-connect',
    severity: 'low',
    reasons,
    outcome: 'success',
    time: new Date(pushTime(push)).toISOString(),
    account: delivery.owner,
    region,
    // The instance's line does not name the unix account (CloudTrail's SendSSHPublicKey does).
    user: UNKNOWN_USER,
    keyFingerprint: line.fingerprint,
    ...(line.actor && { actor: line.actor }),
    ...(line.requestId && { session: { requestId: line.requestId } }),
    origin: { logGroup: delivery.logGroup, logStream: delivery.logStream, message: event.message },
    ...(line.hostname && { host: { hostname: line.hostname } }),
    hostKey: hostKeyFor(delivery.logStream, line.hostname),
  };
}
