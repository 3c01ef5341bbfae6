import { type Alert, UNPARSED_LINE_REASON } from './alert';

/**
 * Plain-text wording of an alert: the one-line summary (email subject, PagerDuty summary, Slack
 * fallback) and the readable email body. Plain text only; renderers escape for their own markup.
 */

export function summarise(alert: Omit<Alert, 'summary'>): string {
  const from = alert.sourceIp ? ` from ${alert.sourceIp}` : '';
  const severity = `[${alert.severity.toUpperCase()}]`;
  if (alert.kind === 'ssh') {
    const where = hostLabel(alert);
    const how = alert.method ? ` (${alert.method})` : '';
    const what = isUnparsedLine(alert) ? 'Unparsed SSH login line' : 'SSH login';
    return `${severity} ${what}: ${alert.user}@${where}${from}${how}`;
  }
  const outcome = alert.outcome === 'failure' ? 'Failed console sign-in' : 'Console sign-in';
  const mfa = alert.mfa === false ? ' (no MFA)' : '';
  return `${severity} ${outcome}: ${alert.user}${mfa}${from} in ${alert.account}`;
}

/** Whether the alert is for an sshd `Accepted` line that could not be parsed. */
export function isUnparsedLine(alert: Pick<Alert, 'reasons'>): boolean {
  return alert.reasons.includes(UNPARSED_LINE_REASON);
}

/** The host an SSH login was on, as a reader knows it: Name tag, hostname, instance id, else the log stream. */
export function hostLabel(alert: Pick<Alert, 'host' | 'origin'>): string {
  const host = alert.host;
  if (host?.name) return host.name;
  if (host?.hostname) return host.hostname;
  if (host?.instanceId) return host.instanceId;
  // Subscribers read alerts they did not make: check the field's type rather than trust it.
  const stream = (alert.origin as unknown as Record<string, unknown>).logStream;
  return typeof stream === 'string' ? stream : 'unknown host';
}

/** The email body: who, where, from, how, why, then the raw evidence. */
export function emailText(alert: Alert): string {
  const lines = [alert.summary, ''];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`${label.padEnd(10)} ${value}`);
  };
  add('Severity', `${alert.severity} (${alert.reasons.join('; ')})`);
  add('Outcome', alert.outcome);
  add('User', alert.user);
  add('From', alert.sourceIp);
  add('Method', alert.method);
  add('MFA', alert.mfa === undefined ? undefined : alert.mfa ? 'yes' : 'no');
  add('Principal', alert.principal?.arn);
  add('Host', [alert.host?.name, alert.host?.instanceId, alert.host?.privateIp].filter(Boolean).join(' / ') || alert.host?.hostname);
  add('Account', alert.account);
  add('Region', alert.region);
  add('Time', alert.time);
  add('Key', [alert.keyType, alert.keyFingerprint].filter(Boolean).join(' '));
  add('Enrichment', alert.enrichmentError && `failed: ${alert.enrichmentError}`);
  lines.push('');
  if ('message' in alert.origin) {
    lines.push(`Log line (${alert.origin.logGroup} ${alert.origin.logStream}):`, alert.origin.message);
  } else {
    lines.push(`CloudTrail event: ${alert.origin.eventSource} ${alert.origin.eventName} ${alert.origin.eventId}`);
  }
  lines.push('', `Alert id: ${alert.id} (schema v${alert.schemaVersion})`);
  return lines.join('\n');
}
