import type { KnownBlock, MessageAttachment } from '@slack/types';
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import { codeSpan, escapeAndFit, escapeMrkdwn, fit, plainText } from './mrkdwn';
import { type Alert, type CoverageReport, type Severity, type UncoveredHost, UNKNOWN_USER } from '../alert';
import {
  accessHeadline, flagOf, hostLabel, isAccessKind, isSignInKind, isUnparsedLine, sessionPurpose, signInHeadline, kubernetesHeadline,
  whereFrom, windowsHeadline,
} from '../alert-text';
import { deploymentLabel } from '../heartbeat';
import type { AlarmNotification } from '../topic-message';

/**
 * Block Kit messages for Slack, within Slack's limits (≤ 50 blocks, section text ≤ 3000, header ≤ 150,
 * ≤ 10 fields of ≤ 2000): long values are cut with a marker, never rejected. Pure: alert in, payload out.
 */

export interface SlackRenderOptions {
  /** Mention by severity, e.g. `{ high: '<!here>', critical: '<!channel>' }`. Trusted configuration, not escaped. */
  readonly mentions: Partial<Record<Severity, string>>;
  /** Instance tags shown beside the instance name, matched case-insensitively. */
  readonly tagKeys: readonly string[];
}

export const DEFAULT_MENTIONS: SlackRenderOptions['mentions'] = { high: '<!here>', critical: '<!channel>' };
export const DEFAULT_TAG_KEYS = ['Environment', 'env', 'Team', 'Owner', 'Service', 'aws:autoscaling:groupName'];

export const LIMITS = { blocks: 50, header: 150, sectionText: 3000, fields: 10, field: 2000, context: 2000, text: 3000 } as const;

/** Green for low, amber for medium and high, red for critical, grey for info. */
export const SEVERITY_COLOURS: Record<Severity, string> = {
  info: '#868e96', low: '#2eb886', medium: '#daa038', high: '#e8912d', critical: '#a30200',
};
const SEVERITY_EMOJI: Record<Severity, string> = {
  info: ':information_source:', low: ':large_green_circle:', medium: ':large_orange_circle:', high: ':red_circle:', critical: ':rotating_light:',
};

export function renderAlert(alert: Alert, options: SlackRenderOptions): IncomingWebhookSendArguments {
  const mention = options.mentions[alert.severity];
  const blocks: KnownBlock[] = alert.coverage ? coverageBlocks(alert, alert.coverage) : [
    { type: 'header', text: { type: 'plain_text', text: plainText(`${SEVERITY_EMOJI[alert.severity]} ${headline(alert)}`, LIMITS.header), emoji: true } },
    { type: 'section', fields: fields(alert, options).slice(0, LIMITS.fields).map((text) => ({ type: 'mrkdwn', text })) },
    { type: 'context', elements: [{ type: 'mrkdwn', text: evidence(alert) }] },
  ];
  if (alert.enrichmentError && !alert.coverage) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:warning: ${alert.kind === 'ecs-exec' ? 'Task' : 'Host'} details missing: ${escapeAndFit(alert.enrichmentError, 1000)}` }] });
  }
  const attachment: MessageAttachment = { color: SEVERITY_COLOURS[alert.severity], fallback: plainText(alert.summary, LIMITS.text), blocks };
  return {
    text: (mention ? `${mention} ` : '') + escapeAndFit(alert.summary, LIMITS.text - (mention ? mention.length + 1 : 0)),
    attachments: [attachment],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/**
 * A coverage report: what went dark since the last one, what came back, then every dark host and
 * region with why and what to do (host names and tags are the estate's, escaped like any value).
 */
function coverageBlocks(alert: Alert, report: CoverageReport): KnownBlock[] {
  const hostLine = (h: UncoveredHost) => `• ${escapeAndFit(`${h.region}/${h.instanceId}`, 80)}${h.name ? ` *${escapeAndFit(h.name, 100)}*` : ''}: ${escapeAndFit(h.reason, 400)}`;
  const section = (title: string, lines: string[], total: number): KnownBlock[] => (lines.length === 0 ? [] : [{
    type: 'section',
    text: { type: 'mrkdwn', text: fit(`*${title}* (${total})\n${lines.join('\n')}`, LIMITS.sectionText) },
  }]);
  const { counts } = report;
  const footer = `${counts.covered} covered, ${counts.exempt} exempt, ${counts.tooNew} too new to judge · ${counts.regionsChecked} regions · `
    + `${escapeMrkdwn(alert.account)} · \`cdk-login-alerts check --coverage\` prints the same`;
  return [
    { type: 'header', text: { type: 'plain_text', text: plainText(`${SEVERITY_EMOJI[alert.severity]} ${alert.summary}`, LIMITS.header), emoji: true } },
    ...section('Newly dark', report.newlyUncovered.map((k) => `• ${escapeAndFit(k, 300)}`), report.newlyUncovered.length),
    ...section('Covered again', report.coveredAgain.map((k) => `• ${escapeAndFit(k, 300)}`), report.coveredAgain.length),
    ...section('Regions not fully watched', report.uncoveredRegions.map((r) => `• ${escapeMrkdwn(r.region)}: ${escapeAndFit(r.problems.join('; '), 600)}`), counts.uncoveredRegions),
    ...section('Never seen: no log stream', report.neverSeenHosts.map(hostLine), counts.neverSeen),
    ...section('Silent: the stream went quiet', report.silentHosts.map(hostLine), counts.silent),
    ...section('Deployments without a heartbeat', (report.silentAccounts ?? []).map((a) =>
      `• ${escapeAndFit(deploymentLabel(a), 80)}: ${escapeAndFit(a.reason, 400)}`), counts.silentAccounts ?? 0),
    { type: 'context', elements: [{ type: 'mrkdwn', text: footer }] },
  ];
}

/** `SSH login: deploy@web-1 from 203.0.113.7`, `Console sign-in: root (no MFA)`. Plain text: shown literally. */
export function headline(alert: Alert): string {
  const from = alert.sourceIp ? ` from ${alert.sourceIp}` : '';
  if (alert.kind === 'ssh') {
    const prefix = alert.user === UNKNOWN_USER && isUnparsedLine(alert) ? 'SSH login (unparsed line)' : 'SSH login';
    return `${prefix}: ${alert.user}@${hostLabel(alert)}${from}`;
  }
  if (alert.kind === 'console') {
    const mfa = alert.mfa === false ? ' (no MFA)' : '';
    return `${alert.outcome === 'failure' ? 'Failed console sign-in' : 'Console sign-in'}: ${alert.user}${mfa}${from}`;
  }
  if (isAccessKind(alert.kind)) return accessHeadline(alert);
  if (isSignInKind(alert.kind)) return signInHeadline(alert);
  if (alert.kind === 'windows-logon') return windowsHeadline(alert);
  if (alert.kind === 'kubernetes-exec') return kubernetesHeadline(alert);
  return alert.summary;
}

function fields(alert: Alert, options: SlackRenderOptions): string[] {
  // Each value is escaped and bounded where it is built, so every field stays under LIMITS.field.
  const field = (label: string, value: string) => `*${label}*\n${value}`;
  const out = [field('Who', who(alert))];
  out.push(field('Where', where(alert, options)));
  if (alert.sourceIp) out.push(field('From', fromText(alert)));
  const how = howText(alert);
  if (how) out.push(field('How', how));
  out.push(field('When', when(alert.time)));
  out.push(field('Severity', `*${alert.severity.toUpperCase()}*: ${escapeAndFit(alert.reasons.join(', '), 1500)}`));
  return out;
}

/** The address, then where it is (flag, country, network: the organisation is registry text, escaped). */
function fromText(alert: Alert): string {
  const address = escapeMrkdwn(alert.sourceIp + (alert.port !== undefined ? ` port ${alert.port}` : ''));
  const place = whereFrom(alert);
  if (!place) return address;
  const flag = flagOf(alert.geo?.country);
  return `${address}\n${flag ? `${flag} ` : ''}${escapeAndFit(place, 300)}`;
}

function who(alert: Alert): string {
  const parts = [codeSpan(alert.user, 500)];
  // The person behind the account, and how we know: the point of attribution.
  if (alert.actor) parts.push(`${escapeAndFit(alert.actor.name, 300)} (${escapeAndFit(alert.actor.via, 30)})`);
  if (alert.principal?.arn) parts.push(escapeAndFit(alert.principal.arn, 600));
  else if (alert.actor?.arn) parts.push(escapeAndFit(alert.actor.arn, 600));
  if (alert.outcome === 'failure') parts.push('*sign-in failed*');
  return parts.join('\n');
}

function where(alert: Alert, options: SlackRenderOptions): string {
  const host = alert.host;
  const lines: string[] = [];
  if (host?.name || host?.instanceId) {
    lines.push([host.name && `*${escapeAndFit(host.name, 200)}*`, host.instanceId && escapeAndFit(host.instanceId, 50)].filter(Boolean).join(' '));
  } else if (host?.hostname) {
    lines.push(escapeAndFit(host.hostname, 300));
  }
  const c = alert.container;
  const container = c && [c.container && `container *${escapeAndFit(c.container, 200)}*`, c.cluster && `cluster ${escapeAndFit(c.cluster, 200)}`, c.task && `task ${escapeAndFit(c.task, 80)}`,
    c.service && `service *${escapeAndFit(c.service, 200)}*`, c.taskDefinition && `definition ${escapeAndFit(c.taskDefinition, 200)}`].filter(Boolean).join(', ');
  if (container) lines.push(container);
  const p = alert.pod;
  const pod = p && [p.container && `container *${escapeAndFit(p.container, 200)}*`, p.pod && `pod ${escapeAndFit([p.namespace, p.pod].filter(Boolean).join('/'), 300)}`,
    `cluster *${escapeAndFit(p.cluster, 100)}*`].filter(Boolean).join(', ');
  if (pod) lines.push(pod);
  if (alert.signIn?.loginTo) lines.push(`signing in to ${escapeAndFit(alert.signIn.loginTo, 300)}`);
  const tags = pickTags(host?.tags, options.tagKeys);
  if (tags.length > 0) lines.push(escapeAndFit(tags.map(([k, v]) => `${k}=${v}`).join(', '), 800));
  lines.push(`${escapeMrkdwn(alert.account)} / ${escapeMrkdwn(alert.region)}`);
  return lines.join('\n');
}

function pickTags(tags: Record<string, string> | undefined, keys: readonly string[]): Array<[string, string]> {
  if (!tags) return [];
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return Object.entries(tags).filter(([key]) => key !== 'Name' && wanted.has(key.toLowerCase()));
}

function howText(alert: Alert): string | undefined {
  if (alert.kind === 'ssh') {
    const key = [alert.keyType, alert.keyFingerprint].filter(Boolean).join(' ');
    const cert = alert.certificate ? `\ncertificate ${codeSpan(alert.certificate.keyId, 300)}` : '';
    return alert.method ? `${escapeAndFit(alert.method, 100)}${key ? `\n${escapeAndFit(key, 300)}` : ''}${cert}` : undefined;
  }
  if (alert.kind === 'windows-logon') return windowsHow(alert);
  const parts: string[] = [];
  if (alert.session?.type && alert.session.type !== 'shell') parts.push(escapeAndFit(sessionPurpose(alert.session), 300));
  else if (alert.session?.document) parts.push(`session document ${escapeAndFit(alert.session.document, 200)}`);
  if (alert.pod?.command) parts.push(`${alert.pod.interactive ? 'interactive command' : 'command'} ${codeSpan(alert.pod.command, 500)}`);
  if (alert.pod?.ports) parts.push(`port forwarding to ${escapeAndFit(alert.pod.ports, 100)}`);
  if (alert.container?.command) parts.push(`${alert.container.interactive === false ? 'command' : 'interactive command'} ${codeSpan(alert.container.command, 500)}`);
  if (alert.session?.authType) parts.push(`Windows sign-in: ${escapeAndFit(alert.session.authType, 50)}`);
  if (alert.keyFingerprint) parts.push(escapeAndFit([alert.keyType, alert.keyFingerprint].filter(Boolean).join(' '), 300));
  if (alert.signIn?.factors?.length) parts.push(`${alert.outcome === 'failure' ? 'failed factor' : 'factors'} ${escapeAndFit(alert.signIn.factors.join(', '), 200)}`);
  if (alert.signIn?.switchFrom) parts.push(`switched from ${escapeAndFit(alert.signIn.switchFrom, 300)}`);
  if (alert.mfa !== undefined) parts.push(alert.mfa ? 'MFA used' : '*no MFA*');
  if (alert.principal?.federation) parts.push(alert.principal.federation === 'identity-center' ? 'IAM Identity Center' : 'SAML federation');
  else if (alert.principal?.type) parts.push(escapeAndFit(alert.principal.type, 100));
  return parts.join(', ') || undefined;
}

/** `Remote Desktop (RemoteInteractive, type 10)`, the package (NTLM is worth seeing), elevation, the client's own name for its machine. */
function windowsHow(alert: Alert): string | undefined {
  const w = alert.windows;
  if (!w) return undefined;
  const parts: string[] = [];
  if (w.logonTypeName) parts.push(`${escapeAndFit(w.logonTypeName, 60)} (type ${w.logonType})`);
  const auth = [w.authenticationPackage, w.lmPackage].filter(Boolean).join(' ');
  if (auth) parts.push(w.authenticationPackage === 'NTLM' ? `*${escapeAndFit(auth, 60)}*` : escapeAndFit(auth, 60));
  if (w.logonProcess) parts.push(`logon process ${escapeAndFit(w.logonProcess, 60)}`);
  if (w.builtInAdministrator) parts.push('*built-in Administrator*');
  else if (w.elevatedToken) parts.push('*elevated (administrator)*');
  if (w.restrictedAdminMode) parts.push('Restricted Admin mode');
  if (w.viaLocalTunnel) parts.push('through a local tunnel (Session Manager or Fleet Manager)');
  if (w.failureReason) parts.push(`failed: ${escapeAndFit(w.failureReason, 200)}${w.status ? ` (${escapeAndFit([w.status, w.subStatus].filter(Boolean).join('/'), 40)})` : ''}`);
  if (w.workstation) parts.push(`client calls itself ${codeSpan(w.workstation, 200)}`);
  return parts.join(', ') || undefined;
}

/** Slack shows `<!date^…>` in the reader's time zone; the fallback is the UTC time. */
function when(time: string): string {
  const seconds = Math.floor(Date.parse(time) / 1000);
  if (!Number.isFinite(seconds)) return escapeAndFit(time, 100);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${escapeMrkdwn(time)}>`;
}

function evidence(alert: Alert): string {
  const origin = alert.origin as unknown as Record<string, unknown>;
  const id = `alert ${escapeAndFit(alert.id, 200)}`;
  if (typeof origin.message === 'string') {
    const source = escapeAndFit(`${origin.logGroup} ${origin.logStream}`, 300);
    const budget = LIMITS.context - source.length - id.length - 20;
    return `${codeSpan(origin.message, budget)}\n${source} · ${id}`;
  }
  return escapeAndFit(`CloudTrail ${origin.eventSource} ${origin.eventName} ${origin.eventId}`, 1000) + ` · ${id}`;
}

/** A CloudWatch alarm on the pipeline itself: the people watching Slack must know alerts may be missing. */
export function renderAlarm(alarm: AlarmNotification): IncomingWebhookSendArguments {
  const firing = alarm.newState === 'ALARM';
  const title = firing ? ':warning: Login alerting pipeline degraded' : ':white_check_mark: Login alerting pipeline recovered';
  const lines = [
    `*Alarm* ${codeSpan(alarm.alarmName, 300)} is *${escapeMrkdwn(alarm.newState)}*${alarm.oldState ? ` (was ${escapeMrkdwn(alarm.oldState)})` : ''}`,
    alarm.description && escapeAndFit(alarm.description, 800),
    alarm.reason && escapeAndFit(alarm.reason, 1200),
    firing ? 'Some login alerts may be delayed or missing until this clears; check the dead-letter queues.' : undefined,
  ].filter(Boolean);
  const origin = [alarm.account, alarm.region, alarm.time].filter(Boolean).map((v) => escapeMrkdwn(v!)).join(' · ');
  return {
    text: `${firing ? '<!here> Login alerting pipeline degraded' : 'Login alerting pipeline recovered'}: ${escapeAndFit(alarm.alarmName, 1000)}`,
    attachments: [{
      color: firing ? SEVERITY_COLOURS.critical : SEVERITY_COLOURS.low,
      fallback: plainText(`${title}: ${alarm.alarmName}`, LIMITS.text),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: fit(title, LIMITS.header), emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
        ...(origin ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: origin }] }] : []),
      ],
    }],
    unfurl_links: false,
    unfurl_media: false,
  };
}
