import { classifyConsole } from './severity';
import type { AlertDraft } from './ssh-draft';
import { ALERT_SCHEMA_VERSION } from '../../shared/alert';
import type { ConsoleLogin } from '../parse/console-login';

export function consoleAlertDraft(login: ConsoleLogin, fallback: { account: string; region: string; time: string }): AlertDraft {
  const { severity, reasons } = classifyConsole(login);
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: login.eventId,
    kind: 'console',
    severity,
    reasons,
    outcome: login.outcome,
    time: login.time ?? fallback.time,
    account: login.account ?? fallback.account,
    region: login.region ?? fallback.region,
    user: login.user,
    ...(login.sourceIp && { sourceIp: login.sourceIp }),
    ...(login.mfa !== undefined && { mfa: login.mfa }),
    principal: login.principal,
    // A failed sign-in names who tried to be someone, not who it was.
    ...(login.actor && login.outcome === 'success' && !login.userHidden && { actor: login.actor }),
    ...(login.userAgent && { userAgent: login.userAgent }),
    origin: { eventSource: login.eventSource, eventName: login.eventName, eventId: login.eventId },
  };
}
