import { apiAlertDraft } from './draft/api-draft';
import { consoleAlertDraft } from './draft/console-draft';
import { correlateKeyPushes, type KeyPush } from './draft/key-push-correlation';
import { kubernetesAlertDraft } from './draft/kubernetes-draft';
import type { SeverityPolicy } from './draft/severity';
import { signInAlertDraft } from './draft/sign-in-draft';
import { type AlertDraft, sshAlertDraft } from './draft/ssh-draft';
import { windowsAlertDraft } from './draft/windows-draft';
import { boundFields } from './enrich/bound-fields';
import type { HostEnricher } from './enrich/host-enricher';
import type { IdentityStoreResolver } from './enrich/identity-store';
import type { TaskEnricher } from './enrich/task-enricher';
import { isApiLogin, parseApiLogin, REMOTE_DESKTOP_SERVICE } from './parse/api-event';
import { isConsoleLogin, parseConsoleLogin } from './parse/console-login';
import type { Envelope } from './parse/envelope';
import { hostKeyString } from './parse/host-key';
import { parseInstanceConnectLine } from './parse/instance-connect-line';
import { parseKubernetesAudit } from './parse/kubernetes-audit';
import { isSignInEvent, parseSignInEvent, type VerifiedFactor } from './parse/sign-in-event';
import { parseSshLine } from './parse/ssh-line';
import { parseWindowsLogon } from './parse/windows-logon';
import type { Alert } from '../shared/alert';
import { summarise } from '../shared/alert-text';

/** Turns one decoded invocation into finished alerts: parse, classify, enrich, word. */

export interface AlertContext {
  readonly policy: SeverityPolicy;
  readonly region: string;
  /** Absent when enrichment is off. */
  readonly enricher?: HostEnricher;
  /** Absent when task enrichment is off. */
  readonly tasks?: TaskEnricher;
  /** Present when Identity Center user ids are resolved to names (opt-in). */
  readonly identityStore?: IdentityStoreResolver;
}

export interface AlertsResult {
  readonly alerts: Alert[];
  /** Why the invocation produced no alert, when it produced none for a reason worth logging. */
  readonly ignored?: string;
  /** Log lines examined, for the log summary. */
  readonly linesRead: number;
  /** What a CloudTrail record lacked: its alert still goes out with what it has, and this is logged. */
  readonly incomplete?: string[];
  /**
   * The ids of the records the alerts stand for: each alert's own, and the Instance Connect key lines
   * linked into an SSH login's alert. The ledger records them once published (the reconciler checks them).
   */
  readonly recordIds: string[];
  /**
   * Identity Center sign-in factors that passed: no alert of their own (the sign-in's
   * UserAuthentication is the alert), but the ledger keeps them for the sign-in they belong to.
   */
  readonly verifiedFactors?: VerifiedFactor[];
}


export async function alertsFromEnvelope(envelope: Envelope, context: AlertContext): Promise<AlertsResult> {
  if (envelope.type === 'logs') {
    if (envelope.messageType === 'CONTROL_MESSAGE') return { alerts: [], ignored: 'CloudWatch Logs control message', linesRead: 0, recordIds: [] };
    const drafts: AlertDraft[] = [];
    const pushes: KeyPush[] = [];
    // Windows events and audit entries that are not logins, by why: said once per delivery.
    const ignored = new Map<string, number>();
    for (const event of envelope.logEvents) {
      const login = parseSshLine(event.message);
      if (login) {
        drafts.push(sshAlertDraft(envelope, event, login, context.policy, context.region));
        continue;
      }
      const push = parseInstanceConnectLine(event.message);
      if (push) {
        pushes.push({ event, line: push });
        continue;
      }
      const windows = parseWindowsLogon(event.message);
      if (windows && 'logon' in windows) drafts.push(windowsAlertDraft(envelope, event, windows.logon, context.policy, context.region));
      else if (windows) ignored.set(windows.ignored, (ignored.get(windows.ignored) ?? 0) + 1);
      if (windows) continue;
      const kubernetes = parseKubernetesAudit(event.message, envelope.logGroup);
      if (kubernetes && 'login' in kubernetes) drafts.push(kubernetesAlertDraft(envelope, event, kubernetes.login, context.region));
      else if (kubernetes) ignored.set(kubernetes.ignored, (ignored.get(kubernetes.ignored) ?? 0) + 1);
    }
    const correlated = correlateKeyPushes(drafts, pushes, envelope, context.region);
    const recordIds = [...drafts.map((d) => d.id), ...pushes.map((p) => p.event.id)];
    const why = ignored.size > 0 ? [...ignored].map(([reason, n]) => `${n} × ${reason}`).join('; ') : undefined;
    return { alerts: await finish(correlated, context.enricher), linesRead: envelope.logEvents.length, recordIds, ...(why && { ignored: why }) };
  }

  const fallback = { account: envelope.account ?? 'unknown', region: envelope.region ?? context.region, time: new Date().toISOString() };
  if (isConsoleLogin(envelope.detail)) {
    const login = parseConsoleLogin(envelope.detail as Record<string, unknown>, envelope);
    const alerts = await finish([consoleAlertDraft(login, fallback)], undefined);
    return { alerts, linesRead: 0, recordIds: alerts.map((a) => a.id) };
  }
  if (isSignInEvent(envelope.detail)) {
    const event = parseSignInEvent(envelope.detail as Record<string, unknown>, envelope);
    if (event.step === 'verification' && event.outcome === 'success') {
      // One factor of a sign-in passed: its UserAuthentication is the alert (one per sign-in).
      const { workflowId, eventId, factors } = event;
      const verifiedFactors = workflowId ? factors.map((factor) => ({ workflowId, factor, eventId })) : [];
      const named = factors.join(', ') || 'no factor named';
      const ignored = `CredentialVerification ${eventId} (${named}) is a step of sign-in ${workflowId ?? '(no workflow id)'}: its UserAuthentication is alerted`;
      return { alerts: [], linesRead: 0, recordIds: [], verifiedFactors, ignored };
    }
    const drafted = await finish([signInAlertDraft(event, fallback)], undefined);
    const alerts = context.identityStore ? await Promise.all(drafted.map((a) => withUserName(a, context.identityStore!))) : drafted;
    return { alerts, linesRead: 0, recordIds: alerts.map((a) => a.id), ...(event.problems.length > 0 && { incomplete: event.problems }) };
  }
  if (isApiLogin(envelope.detail)) {
    // Session Manager and Instance Connect calls name their instance: enrich it like an SSH login's.
    const login = parseApiLogin(envelope.detail as Record<string, unknown>, envelope);
    if (login.kind === 'ssm-session' && login.invokedBy === REMOTE_DESKTOP_SERVICE) {
      // Fleet Manager opens a port-forwarding session for each Remote Desktop connection, calling
      // StartSession itself (invokedBy is written by AWS): its StartConnection is the alert.
      return { alerts: [], ignored: `StartSession ${login.eventId} opened by Fleet Manager Remote Desktop: its StartConnection is alerted`, linesRead: 0, recordIds: [] };
    }
    const draft = apiAlertDraft(login, fallback);
    const alerts = await finish([await withTask(draft, context.tasks)], context.enricher);
    return { alerts, linesRead: 0, recordIds: alerts.map((a) => a.id), ...(login.problems.length > 0 && { incomplete: login.problems }) };
  }
  return {
    alerts: [], ignored: `EventBridge event ${envelope.source}/${envelope.detailType} is not a sign-in or a call that opens a way in`, linesRead: 0, recordIds: [],
  };
}

/** An Identity Center user named by id alone, with the name the identity store gives it. */
async function withUserName(alert: Alert, store: IdentityStoreResolver): Promise<Alert> {
  const resolved = await store.resolve(alert);
  return resolved === alert ? alert : { ...resolved, summary: summarise(resolved) };
}

/** ECS Exec: the task's service, definition and tags, or why they are missing (the alert goes out either way). */
async function withTask(draft: AlertDraft, tasks: TaskEnricher | undefined): Promise<AlertDraft> {
  if (!tasks || draft.kind !== 'ecs-exec' || !draft.container) return draft;
  const { container, error } = await tasks.lookup(draft.container, draft.region, draft.account);
  return container ? { ...draft, container } : { ...draft, enrichmentError: error };
}

async function finish(drafts: AlertDraft[], enricher: HostEnricher | undefined): Promise<Alert[]> {
  const keys = drafts.flatMap((d) => (d.hostKey ? [d.hostKey] : []));
  const lookups = enricher && keys.length > 0 ? await enricher.lookup(keys) : undefined;
  return drafts.map(({ hostKey, ...draft }) => {
    const lookup = hostKey && lookups?.get(hostKeyString(hostKey));
    // Without a lookup (enrichment off or failed), the instance id or private address a log stream or
    // a CloudTrail record names is still a fact worth keeping: the ledger and readers key on it, and
    // an Endpoint tunnel names its target only by address.
    const known = !hostKey ? draft
      : 'instanceId' in hostKey ? { ...draft, host: { instanceId: hostKey.instanceId, ...draft.host } }
        : draft.kind === 'instance-connect' ? { ...draft, host: { privateIp: hostKey.privateIp, ...draft.host } } : draft;
    const enriched = lookup?.host
      ? { ...draft, host: { ...lookup.host, ...(draft.host?.hostname && { hostname: draft.host.hostname }) } }
      : lookup?.error ? { ...known, enrichmentError: lookup.error } : known;
    // Every value taken from input is bounded before it is repeated in the summary and email text.
    const { value, cut } = boundFields(enriched);
    const bounded = cut.length > 0 ? { ...value, truncatedFields: cut } : value;
    return { ...bounded, summary: summarise(bounded) };
  });
}
