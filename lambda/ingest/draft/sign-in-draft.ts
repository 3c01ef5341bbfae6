import { classifySignIn, identityCenterMfa } from './severity';
import type { AlertDraft } from './ssh-draft';
import { ALERT_SCHEMA_VERSION } from '../../shared/alert';
import type { SignInEvent } from '../parse/sign-in-event';

/** An alert draft for a root password recovery, a console role switch or an Identity Center sign-in (or a failed factor of one). */
export function signInAlertDraft(event: SignInEvent, fallback: { account: string; region: string; time: string }): AlertDraft {
  const { severity, reasons } = classifySignIn(event);
  const mfa = event.kind === 'identity-center-sign-in' && event.outcome === 'success' ? identityCenterMfa(event.factors) : undefined;
  const signIn = {
    ...(event.workflowId && { workflowId: event.workflowId }),
    ...(event.factors.length > 0 && { factors: event.factors }),
    ...(event.loginTo && { loginTo: event.loginTo }),
    ...(event.switchFrom && { switchFrom: event.switchFrom }),
  };
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: event.eventId,
    kind: event.kind,
    severity,
    reasons,
    outcome: event.outcome,
    time: event.time ?? fallback.time,
    account: event.account ?? fallback.account,
    region: event.region ?? fallback.region,
    user: event.user,
    ...(event.sourceIp && { sourceIp: event.sourceIp }),
    ...(mfa !== undefined && { mfa }),
    principal: event.principal,
    ...(event.actor && { actor: event.actor }),
    ...(Object.keys(signIn).length > 0 && { signIn }),
    ...(event.userAgent && { userAgent: event.userAgent }),
    origin: { eventSource: event.eventSource, eventName: event.eventName, eventId: event.eventId },
  };
}
