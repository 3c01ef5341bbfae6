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
  if (alert.kind === 'ssm-session' || alert.kind === 'instance-connect') return `${severity} ${accessHeadline(alert)}`;
  const outcome = alert.outcome === 'failure' ? 'Failed console sign-in' : 'Console sign-in';
  const mfa = alert.mfa === false ? ' (no MFA)' : '';
  return `${severity} ${outcome}: ${alert.user}${mfa}${from} in ${alert.account}`;
}

/**
 * `SSM session: alice to web-1 (shell)`, `EC2 Instance Connect key pushed for ec2-user@web-1 by alice`,
 * `EC2 Instance Connect Endpoint tunnel to web-1 port 22 by alice`. Plain text.
 */
export function accessHeadline(alert: Omit<Alert, 'summary'>): string {
  const failed = alert.outcome === 'failure' ? 'Denied ' : '';
  const by = alert.actor?.name ?? alert.principal?.arn?.split('/').pop() ?? alert.user;
  const where = hostLabel(alert as Pick<Alert, 'host' | 'origin'>);
  if (alert.kind === 'ssm-session') {
    return `${failed}SSM session: ${by} to ${where} (${alert.session?.document ?? 'shell'})`;
  }
  const eventName = (alert.origin as unknown as Record<string, unknown>).eventName;
  if (eventName === 'OpenTunnel') return `${failed}EC2 Instance Connect Endpoint tunnel to ${where}${alert.port ? ` port ${alert.port}` : ''} by ${by}`;
  const what = eventName === 'SendSerialConsoleSSHPublicKey' ? 'EC2 serial console key pushed' : 'EC2 Instance Connect key pushed';
  const account = alert.osUser ?? (alert.user !== 'unknown' ? alert.user : undefined);
  return `${failed}${what} for ${account ? `${account}@` : ''}${where} by ${by}`;
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
  if (host?.privateIp) return host.privateIp;
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
  add('Actor', alert.actor && `${alert.actor.name} (${alert.actor.via}${alert.actor.arn && alert.actor.arn !== alert.principal?.arn ? `: ${alert.actor.arn}` : ''})`);
  add('Session', alert.session && Object.entries(alert.session).map(([k, v]) => `${k} ${v}`).join(', '));
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
  if (alert.relatedAlertIds?.length) lines.push('', `Related alerts: ${alert.relatedAlertIds.join(', ')}`);
  lines.push('', `Alert id: ${alert.id} (schema v${alert.schemaVersion})`);
  return lines.join('\n');
}
