import { isRootArn, lowerFor, pushedByRoot } from './severity';
import type { AlertDraft } from './ssh-draft';
import { ALERT_SCHEMA_VERSION, UNKNOWN_USER } from '../../shared/alert';
import type { LogEvent, LogsDelivery } from '../parse/envelope';
import { hostKeyFor, hostKeyString } from '../parse/host-key';
import type { KeyPushLine } from '../parse/instance-connect-line';

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

export function correlateKeyPushes(drafts: AlertDraft[], lines: KeyPush[], delivery: LogsDelivery, region: string): AlertDraft[] {
  const { pushes, sameAs } = onePerPush(lines, delivery);
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
    const { severity, reasons } = isRootArn(push.line.actor.arn) ? pushedByRoot(draft) : lowerFor(draft, `key pushed with EC2 Instance Connect by ${push.line.actor.arn}`);
    return { ...draft, severity, reasons, actor: push.line.actor, session };
  });
  const unlinked = pushes.filter((p) => !used.has(p)).map((p) => pushDraft(p, delivery, region, sameAs.get(p) ?? []));
  return [...linked, ...unlinked];
}

/**
 * sshd runs the package's AuthorizedKeysCommand more than once per login (once to check the key is
 * acceptable, once to verify its signature), so one push is usually logged twice, with one
 * request-id. One push, however many lines say so: lines on the same host with the same request-id,
 * or with the same fingerprint within the key's 60 seconds of the first, are one push; the first
 * line stands for it and the others' ids are listed with it.
 */
function onePerPush(lines: KeyPush[], delivery: LogsDelivery): { pushes: KeyPush[]; sameAs: Map<KeyPush, string[]> } {
  const ordered = [...lines].sort((a, b) => pushTime(a) - pushTime(b));
  const pushes: KeyPush[] = [];
  const sameAs = new Map<KeyPush, string[]>();
  for (const line of ordered) {
    const host = pushHost(line, delivery);
    const first = pushes.find((p) => pushHost(p, delivery) === host && samePush(p, line));
    if (!first) {
      pushes.push(line);
      continue;
    }
    sameAs.set(first, [...(sameAs.get(first) ?? []), line.event.id]);
  }
  return { pushes, sameAs };
}

function samePush(first: KeyPush, later: KeyPush): boolean {
  if (first.line.requestId && later.line.requestId) return first.line.requestId === later.line.requestId;
  return first.line.fingerprint === later.line.fingerprint && pushTime(later) - pushTime(first) <= KEY_LIFETIME_MS;
}

function pushTime(push: KeyPush): number {
  return push.line.time ? Date.parse(push.line.time) : push.event.timestamp;
}

function pushHost(push: KeyPush, delivery: LogsDelivery): string | undefined {
  const key = hostKeyFor(delivery.logStream, push.line.hostname);
  return key && hostKeyString(key);
}

/** A key push with no SSH login seen with it: someone may be about to log in, or tried and failed. */
function pushDraft(push: KeyPush, delivery: LogsDelivery, region: string, sameAs: string[]): AlertDraft {
  const { line, event } = push;
  const reasons = ['EC2 Instance Connect key push', 'no SSH login seen with it in this delivery'];
  if (sameAs.length > 0) reasons.push(`logged ${sameAs.length + 1} times (sshd asks for the key more than once)`);
  if (!line.actor) reasons.push(line.principalArn ? 'principal is not a valid ARN, not trusted' : 'principal not recorded');
  const root = isRootArn(line.actor?.arn);
  if (root) reasons.push('root user');
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.id,
    kind: 'instance-connect',
    // As CloudTrail's record of the same push is classified (severity.ts classifyApi): critical by root.
    severity: root ? 'critical' : 'low',
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
