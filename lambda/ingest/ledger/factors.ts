import { ledgerKey, LINK_ITEM_TTL_SECONDS, type FactorItem, type LedgerItem, type LedgerKey } from './items';
import type { Alert } from '../../shared/alert';
import { factorVerdict } from '../draft/severity';
import type { VerifiedFactor } from '../parse/sign-in-event';

/**
 * The steps of an IAM Identity Center sign-in, linked through the ledger by its `AuthWorkflowID`:
 * each factor that passed (a successful `CredentialVerification`, which alerts nothing) is written
 * as an item; the sign-in's `UserAuthentication` (the one alert) reads its workflow's items and
 * adds the factors it finds to its own. Steps arrive in any order and nothing waits: a factor whose
 * step is handled after the sign-in is not in its alert, which then judges MFA by what it had (the
 * sign-in's own `CredentialType` and the steps already seen). Pure: alerts and answers in, alerts
 * and items out. Items: `factor` (items.ts).
 */

/** The factors Identity Center names: the keys a sign-in reads (an unnamed one still counts in its own record). */
export const KNOWN_FACTORS = ['PASSWORD', 'TOTP', 'RESYNC_TOTP', 'WEBAUTHN', 'EMAIL_OTP', 'SMARTCARD', 'EXTERNAL_IDP'] as const;

const factorKey = (workflowId: string, factor: string) => ledgerKey('factor', workflowId, factor);

function workflowOf(alert: Alert): string | undefined {
  return alert.kind === 'identity-center-sign-in' && alert.outcome === 'success' ? alert.signIn?.workflowId : undefined;
}

export function factorKeys(alerts: readonly Alert[]): LedgerKey[] {
  return alerts.flatMap((alert) => {
    const workflowId = workflowOf(alert);
    return workflowId ? KNOWN_FACTORS.map((factor) => ({ pk: factorKey(workflowId, factor), sk: 'factor' as const })) : [];
  });
}

export function factorItems(verified: readonly VerifiedFactor[], nowMs: number): FactorItem[] {
  return verified.map((v) => ({
    pk: factorKey(v.workflowId, v.factor),
    sk: 'factor',
    factor: v.factor,
    eventId: v.eventId,
    at: nowMs,
    expiresAt: Math.floor(nowMs / 1000) + LINK_ITEM_TTL_SECONDS,
  }));
}

/** Each sign-in with the factors its workflow's steps passed; its MFA and severity judged again on all of them. */
export function applyFactors(alerts: readonly Alert[], found: ReadonlyMap<string, LedgerItem>): Alert[] {
  return alerts.map((alert) => {
    const workflowId = workflowOf(alert);
    if (!workflowId) return alert;
    const own = alert.signIn?.factors ?? [];
    const steps = KNOWN_FACTORS.filter((factor) => found.get(factorKey(workflowId, factor))?.sk === 'factor');
    const factors = [...new Set([...own, ...steps])];
    if (factors.length === own.length) return alert;
    const verdict = factorVerdict(factors);
    return {
      ...alert,
      severity: verdict.severity,
      // The factor verdict is the draft's last reason (draft/severity.ts): replaced, not added to.
      reasons: [...alert.reasons.slice(0, -1), verdict.reason],
      ...(verdict.mfa !== undefined && { mfa: verdict.mfa }),
      signIn: { ...alert.signIn, factors },
    };
  });
}
