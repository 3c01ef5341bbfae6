import { signInRecordFields } from './console-draft';
import { classifySignIn, factorVerdict } from './severity';
import type { AlertDraft } from './ssh-draft';
import type { SignInEvent } from '../parse/sign-in-event';

/** An alert draft for a root password recovery, a console role switch or an Identity Center sign-in (or a failed factor of one). */
export function signInAlertDraft(event: SignInEvent, fallback: { account: string; region: string; time: string }): AlertDraft {
  const { severity, reasons } = classifySignIn(event);
  const mfa = event.kind === 'identity-center-sign-in' && event.outcome === 'success' ? factorVerdict(event.factors).mfa : undefined;
  const signIn = {
    ...(event.workflowId && { workflowId: event.workflowId }),
    ...(event.factors.length > 0 && { factors: event.factors }),
    ...(event.loginTo && { loginTo: event.loginTo }),
    ...(event.switchFrom && { switchFrom: event.switchFrom }),
  };
  return {
    ...signInRecordFields(event, fallback),
    kind: event.kind,
    severity,
    reasons,
    ...(mfa !== undefined && { mfa }),
    ...(event.actor && { actor: event.actor }),
    ...(Object.keys(signIn).length > 0 && { signIn }),
  };
}
