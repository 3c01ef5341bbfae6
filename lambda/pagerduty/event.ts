import { createHash } from 'node:crypto';
import type { Alert, Severity } from '../shared/alert';
import { whereFrom } from '../shared/alert-text';
import type { AlarmNotification } from '../shared/topic-message';

/**
 * PagerDuty Events API v2 bodies (PagerDuty/api-schema events-v2). Pure: alert in, event out.
 * `dedup_key` is the alert id, so a retried delivery of the same login never opens a second incident.
 */

export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly client?: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details?: unknown;
  };
}

const CLIENT = 'cdk-login-alerts';
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical', high: 'error', medium: 'warning', low: 'info', info: 'info',
};

export function alertEvent(alert: Alert, routingKey: string): PagerDutyEvent {
  // PagerDuty requires a non-empty source: an empty Name tag or hostname is no name at all.
  const host = nonEmpty(alert.host?.name) ?? nonEmpty(alert.host?.instanceId) ?? nonEmpty(alert.host?.hostname);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(alert.id),
    client: CLIENT,
    payload: {
      summary: cut(`${nonEmpty(alert.summary) ?? `${alert.kind} login ${alert.id}`}${place(alert)}`, MAX_SUMMARY),
      source: host ?? (nonEmpty(alert.account) ? `aws-account-${alert.account}` : 'cdk-login-alerts'),
      severity: PD_SEVERITY[alert.severity],
      timestamp: alert.time,
      component: alert.kind === 'console' ? 'aws-console' : host ?? alert.kind,
      group: `${alert.account}/${alert.region}`,
      class: `${alert.kind}-login-${alert.outcome}`,
      custom_details: alert,
    },
  };
}

/** ` (Germany (DE), AS3320 Deutsche Telekom AG)` for a located public address: plain text, as PagerDuty shows it. */
function place(alert: Alert): string {
  const text = alert.geo?.network === 'public' ? whereFrom(alert) : undefined;
  return text ? ` (${text})` : '';
}

/** A pipeline alarm pages too (a broken Slack path must still reach someone); OK resolves it. */
export function alarmEvent(alarm: AlarmNotification, routingKey: string): PagerDutyEvent {
  const dedup = dedupKey(`cdk-login-alerts-alarm:${alarm.account ?? ''}:${alarm.region ?? ''}:${alarm.alarmName}`);
  if (alarm.newState === 'OK') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedup, client: CLIENT };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    client: CLIENT,
    payload: {
      summary: cut(`Login alerting pipeline degraded: ${alarm.alarmName} is ${alarm.newState}${alarm.reason ? ` (${alarm.reason})` : ''}`, MAX_SUMMARY),
      source: alarm.account ? `aws-account-${alarm.account}` : 'cdk-login-alerts',
      severity: 'error',
      timestamp: alarm.time,
      component: 'cdk-login-alerts',
      group: [alarm.account, alarm.region].filter(Boolean).join('/') || undefined,
      class: 'pipeline-alarm',
      custom_details: alarm,
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Up to 255 characters; longer ids are hashed so the key stays stable and unique. */
function dedupKey(id: string): string {
  return id.length <= MAX_DEDUP_KEY ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
