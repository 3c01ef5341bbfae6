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
  if (alert.kind === 'windows-logon') return `${severity} ${windowsHeadline(alert)}`;
  if (alert.kind === 'kubernetes-exec') return `${severity} ${kubernetesHeadline(alert)}`;
  if (isAccessKind(alert.kind)) return `${severity} ${accessHeadline(alert)}`;
  if (isSignInKind(alert.kind)) return `${severity} ${signInHeadline(alert)}`;
  const outcome = alert.outcome === 'failure' ? 'Failed console sign-in' : 'Console sign-in';
  const mfa = alert.mfa === false ? ' (no MFA)' : '';
  return `${severity} ${outcome}: ${alert.user}${mfa}${from} in ${alert.account}`;
}

/** `Windows logon (Remote Desktop): CORP\\alice@win-1 from 192.0.2.10 (NTLM)`, `Failed Windows logon (…)`. Plain text. */
export function windowsHeadline(alert: Omit<Alert, 'summary'>): string {
  const w = alert.windows;
  const how = WINDOWS_LOGON_WORDS[w?.logonType ?? -1] ?? (w?.logonTypeName ? w.logonTypeName : 'unreadable event');
  const from = alert.sourceIp ? ` from ${alert.sourceIp}` : w?.viaLocalTunnel ? ' through a local tunnel' : '';
  const auth = w?.authenticationPackage ? ` (${w.authenticationPackage})` : '';
  const what = alert.outcome === 'failure' ? 'Failed Windows logon' : 'Windows logon';
  return `${what} (${how}): ${alert.user}@${hostLabel(alert as Pick<Alert, 'host' | 'origin'>)}${from}${auth}`;
}

/** `kubectl exec: alice into app in payments/checkout-7d9f (cluster prod): /bin/sh`, `Refused kubectl port-forward: …`. Plain text. */
export function kubernetesHeadline(alert: Omit<Alert, 'summary'>): string {
  const p = alert.pod;
  const verb = p?.subresource === 'portforward' ? 'kubectl port-forward' : p?.subresource === 'attach' ? 'kubectl attach' : 'kubectl exec';
  const by = alert.actor?.name ?? alert.user;
  const target = [p?.namespace, p?.pod].filter(Boolean).join('/') || 'a pod';
  const container = p?.container ? `${p.container} in ` : '';
  const what = p?.command ? `: ${p.command}` : p?.ports ? ` ports ${p.ports}` : '';
  return `${alert.outcome === 'failure' ? 'Refused ' : ''}${verb}: ${by} into ${container}${target} (cluster ${p?.cluster ?? 'unknown'})${what}`;
}

const WINDOWS_LOGON_WORDS: Record<number, string> = { 2: 'console', 7: 'Remote Desktop unlock', 10: 'Remote Desktop', 11: 'cached credentials' };

/** The kinds worded by `accessHeadline`: the API-call doors. */
export function isAccessKind(kind: Alert['kind']): boolean {
  return ['ssm-session', 'instance-connect', 'ecs-exec', 'cloudshell', 'remote-desktop'].includes(kind);
}

/** The kinds worded by `signInHeadline`: AWS Sign-In's records other than ConsoleLogin. */
export function isSignInKind(kind: Alert['kind']): boolean {
  return ['identity-center-sign-in', 'password-recovery', 'switch-role'].includes(kind);
}

/**
 * `IAM Identity Center sign-in: alice (no MFA) from 192.0.2.14`, `Failed IAM Identity Center
 * sign-in (TOTP): alice`, `Root password recovery requested in 111122223333`, `Console role switch:
 * alice to role Admin in 111122223333`. Plain text.
 */
export function signInHeadline(alert: Omit<Alert, 'summary'>): string {
  const from = alert.sourceIp ? ` from ${alert.sourceIp}` : '';
  const failed = alert.outcome === 'failure';
  if (alert.kind === 'password-recovery') {
    const what = alert.origin && (alert.origin as unknown as Record<string, unknown>).eventName === 'PasswordRecoveryCompleted' ? 'Root password reset by recovery' : 'Root password recovery requested';
    return `${failed ? `Failed: ${what.charAt(0).toLowerCase()}${what.slice(1)}` : what} in ${alert.account}${from}`;
  }
  if (alert.kind === 'switch-role') {
    const by = alert.actor?.name ?? alert.signIn?.switchFrom?.split('/').pop() ?? 'unknown';
    const role = alert.principal?.roleName ? ` to role ${alert.principal.roleName}` : '';
    return `${failed ? 'Denied console role switch' : 'Console role switch'}: ${by}${role} in ${alert.account}${from}`;
  }
  if (failed) {
    const factor = alert.signIn?.factors?.length ? ` (${alert.signIn.factors.join(', ')})` : '';
    return `Failed IAM Identity Center sign-in${factor}: ${alert.user}${from}`;
  }
  const mfa = alert.mfa === false ? ' (no MFA)' : '';
  return `IAM Identity Center sign-in: ${alert.actor?.name ?? alert.user}${mfa}${from}`;
}

/**
 * `SSM session: alice to web-1 (shell)`, `EC2 Instance Connect key pushed for ec2-user@web-1 by alice`,
 * `EC2 Instance Connect Endpoint tunnel to web-1 port 22 by alice`, `ECS Exec: alice into app in
 * prod/0123abcd (/bin/sh)`, `CloudShell session: alice in eu-west-1`, `Remote Desktop (RDP): alice
 * to win-1`. Plain text.
 */
export function accessHeadline(alert: Omit<Alert, 'summary'>): string {
  const failed = alert.outcome === 'failure' ? 'Denied ' : '';
  const by = alert.actor?.name ?? alert.principal?.arn?.split('/').pop() ?? alert.user;
  const where = hostLabel(alert as Pick<Alert, 'host' | 'origin'>);
  if (alert.kind === 'ssm-session') {
    return `${failed}SSM session: ${by} to ${where} (${sessionPurpose(alert.session)})`;
  }
  if (alert.kind === 'ecs-exec') {
    const c = alert.container;
    const task = [c?.cluster, c?.task].filter(Boolean).join('/') || 'a task';
    const command = c?.command ? ` (${c.command})` : '';
    return `${failed}ECS Exec: ${by} into ${c?.container ? `${c.container} in ` : ''}${task}${command}`;
  }
  if (alert.kind === 'cloudshell') return `${failed}CloudShell session: ${by} in ${alert.account} ${alert.region}`;
  if (alert.kind === 'remote-desktop') return `${failed}Remote Desktop (RDP): ${by} to ${where}`;
  const eventName = (alert.origin as unknown as Record<string, unknown>).eventName;
  if (eventName === 'OpenTunnel') return `${failed}EC2 Instance Connect Endpoint tunnel to ${where}${alert.port ? ` port ${alert.port}` : ''} by ${by}`;
  const what = eventName === 'SendSerialConsoleSSHPublicKey' ? 'EC2 serial console key pushed' : 'EC2 Instance Connect key pushed';
  const account = alert.osUser ?? (alert.user !== 'unknown' ? alert.user : undefined);
  return `${failed}${what} for ${account ? `${account}@` : ''}${where} by ${by}`;
}

/** `shell`, `SSH`, `RDP port 3389`, `port forwarding to db.internal:5432`, `custom document Foo`. */
export function sessionPurpose(session: Alert['session']): string {
  const port = session?.portNumber !== undefined ? ` port ${session.portNumber}` : '';
  switch (session?.type) {
    case 'ssh': return 'SSH';
    case 'rdp': return `RDP${port}`;
    case 'port-forwarding': return session.remoteHost ? `port forwarding to ${session.remoteHost}${session.portNumber !== undefined ? `:${session.portNumber}` : ''}` : `port forwarding${port}`;
    case 'command': return `command, ${session.document}`;
    case 'custom': return `custom document ${session.document}`;
    // Alerts from before `type` was recorded name only the document.
    default: return session?.document ?? 'shell';
  }
}

/** Whether the alert is for an sshd `Accepted` line that could not be parsed. */
export function isUnparsedLine(alert: Pick<Alert, 'reasons'>): boolean {
  return alert.reasons.includes(UNPARSED_LINE_REASON);
}

/**
 * Where the source address is, in plain text: `Germany (DE), AS3320 Deutsche Telekom AG`,
 * `private network`, `trusted egress` marked; undefined when the alert was not located. The
 * organisation is the database's text (a registry's record, which the network's owner wrote).
 */
export function whereFrom(alert: Pick<Alert, 'geo'>): string | undefined {
  const geo = alert.geo;
  if (!geo) return undefined;
  if (geo.network === 'private') return 'private network';
  const country = geo.country ? `${geo.countryName ?? geo.country} (${geo.country})` : undefined;
  const network = geo.asn !== undefined ? `AS${geo.asn}${geo.asOrg ? ` ${geo.asOrg}` : ''}` : undefined;
  const text = [country, network].filter(Boolean).join(', ') || 'not in the IP databases';
  return geo.trustedEgress ? `${text} (trusted egress)` : text;
}

/** A country's flag as emoji (regional indicator letters): `DE` → 🇩🇪. */
export function flagOf(country: string | undefined): string {
  if (!country || !/^[A-Z]{2}$/.test(country)) return '';
  return String.fromCodePoint(...[...country].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
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
  add('Where', whereFrom(alert) && `${whereFrom(alert)}${alert.geo?.source ? ` [${alert.geo.source}${alert.geo.date ? `, ${alert.geo.date}` : ''}]` : ''}`);
  add('Method', alert.method);
  add('MFA', alert.mfa === undefined ? undefined : alert.mfa ? 'yes' : 'no');
  add('Principal', alert.principal?.arn);
  add('Actor', alert.actor && `${alert.actor.name} (${alert.actor.via}${alert.actor.arn && alert.actor.arn !== alert.principal?.arn ? `: ${alert.actor.arn}` : ''})`);
  add('Session', alert.session && Object.entries(alert.session).map(([k, v]) => `${k} ${v}`).join(', '));
  add('Container', alert.container && [alert.container.container, alert.container.cluster, alert.container.taskArn ?? alert.container.task].filter(Boolean).join(' / '));
  add('Service', alert.container?.service ?? alert.container?.group);
  add('Task definition', alert.container?.taskDefinition);
  const w = alert.windows;
  add('Logon', w && [w.logonTypeName && `${w.logonTypeName} (type ${w.logonType})`, [w.authenticationPackage, w.lmPackage].filter(Boolean).join(' '),
    w.elevatedToken && 'elevated', w.builtInAdministrator && 'built-in Administrator'].filter(Boolean).join(', '));
  add('Workstation', w?.workstation && `${w.workstation} (the client's own name)`);
  add('Failure', w?.failureReason && `${w.failureReason}${w.status ? ` (${[w.status, w.subStatus].filter(Boolean).join('/')})` : ''}`);
  const pod = alert.pod;
  add('Pod', pod && [pod.container, [pod.namespace, pod.pod].filter(Boolean).join('/'), `cluster ${pod.cluster}`].filter(Boolean).join(' / '));
  add('Command', pod?.command && `${pod.command}${pod.interactive ? ' (interactive)' : ''}`);
  add('Factors', alert.signIn?.factors?.join(', '));
  add('Sign-in workflow', alert.signIn?.workflowId);
  add('Switched from', alert.signIn?.switchFrom);
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
