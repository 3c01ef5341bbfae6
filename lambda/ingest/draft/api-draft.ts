import { classifyApi } from './severity';
import type { AlertDraft } from './ssh-draft';
import { ALERT_SCHEMA_VERSION } from '../../shared/alert';
import type { ApiLogin } from '../parse/api-event';

/** An alert draft for an API-call door: a session, an Instance Connect push or tunnel, ECS Exec, CloudShell, Fleet Manager. */
export function apiAlertDraft(login: ApiLogin, fallback: { account: string; region: string; time: string }): AlertDraft {
  const { severity, reasons } = classifyApi(login);
  const { identity } = login;
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: login.eventId,
    kind: login.kind,
    severity,
    reasons,
    outcome: login.errorCode ? 'failure' : 'success',
    time: login.time ?? fallback.time,
    account: login.account ?? fallback.account,
    region: login.region ?? fallback.region,
    // The unix account a key was pushed for; otherwise the caller, as the console alerts name it.
    user: login.osUser ?? identity.user,
    ...(login.osUser && { osUser: login.osUser }),
    ...(login.sourceIp && { sourceIp: login.sourceIp }),
    ...(login.port !== undefined && { port: login.port }),
    ...(login.keyType && { keyType: login.keyType }),
    ...(login.keyFingerprint && { keyFingerprint: login.keyFingerprint }),
    principal: identity.principal,
    // A denied call names who tried, which is worth knowing, but not who got in.
    ...(identity.actor && !login.errorCode && { actor: identity.actor }),
    ...(login.session && Object.keys(login.session).length > 0 && { session: login.session }),
    ...(login.container && Object.keys(login.container).length > 0 && { container: login.container }),
    ...(login.userAgent && { userAgent: login.userAgent }),
    origin: { eventSource: login.eventSource, eventName: login.eventName, eventId: login.eventId },
    hostKey: login.instanceId ? { instanceId: login.instanceId } : login.privateIp ? { privateIp: login.privateIp } : undefined,
  };
}
