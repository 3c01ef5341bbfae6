import { classifyConsole } from './severity';
import type { AlertDraft } from './ssh-draft';
import { ALERT_SCHEMA_VERSION } from '../../shared/alert';
import type { ConsoleLogin, SignInRecord } from '../parse/console-login';

export function consoleAlertDraft(login: ConsoleLogin, fallback: { account: string; region: string; time: string }): AlertDraft {
  const { severity, reasons } = classifyConsole(login);
  return {
    ...signInRecordFields(login, fallback),
    kind: 'console',
    severity,
    reasons,
    ...(login.mfa !== undefined && { mfa: login.mfa }),
    // A failed sign-in names who tried to be someone, not who it was.
    ...(login.actor && login.outcome === 'success' && !login.userHidden && { actor: login.actor }),
  };
}

/** The alert fields every AWS Sign-In record gives the same way (this draft's and sign-in-draft.ts's). */
export function signInRecordFields(record: SignInRecord, fallback: { account: string; region: string; time: string }): Omit<AlertDraft, 'kind' | 'severity' | 'reasons'> {
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: record.eventId,
    outcome: record.outcome,
    time: record.time ?? fallback.time,
    account: record.account ?? fallback.account,
    region: record.region ?? fallback.region,
    user: record.user,
    ...(record.sourceIp && { sourceIp: record.sourceIp }),
    principal: record.principal,
    ...(record.userAgent && { userAgent: record.userAgent }),
    origin: { eventSource: record.eventSource, eventName: record.eventName, eventId: record.eventId },
  };
}
