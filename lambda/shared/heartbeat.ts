import { ALERT_SCHEMA_VERSION, LIBRARY_SENDER, type Alert } from './alert';
import { isObject } from './values';
import { isAccountId, isRegionName } from '../../src/contract/aws-ids';

/**
 * The heartbeat: after each coverage run, the coverage function invokes its own deployment's ingest
 * function with a heartbeat request; ingest publishes a `heartbeat` message (kind `heartbeat`, not a
 * login) to the alert topic it publishes logins to, the real path. Destinations' filter policies
 * leave heartbeats out; the topic's owner (with `coverage`) records each account and region's last
 * one in its ledger, and names those that stopped.
 */

const MARKER = 'cdk-login-alerts';

/** What the coverage function sends its ingest function: nothing ingest takes on trust but that it is asked. */
export interface HeartbeatRequest {
  readonly [MARKER]: 'heartbeat';
}

export const HEARTBEAT_REQUEST: HeartbeatRequest = { [MARKER]: 'heartbeat' };

export function isHeartbeatRequest(event: unknown): boolean {
  return isObject(event) && event[MARKER] === 'heartbeat';
}

/** The heartbeat ingest publishes: its account (from its own ARN) and region (its own), never from the request. */
export function heartbeatAlert(account: string, region: string, nowMs: number): Alert {
  const time = new Date(nowMs).toISOString();
  const id = `heartbeat-${account}-${region}-${nowMs}`;
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id,
    kind: 'heartbeat',
    severity: 'low',
    reasons: ['heartbeat: not a login; says this deployment\'s ingest function publishes to the topic'],
    outcome: 'success',
    time,
    account,
    region,
    user: LIBRARY_SENDER,
    summary: `Heartbeat from account ${account} in ${region}: not a login`,
    origin: { eventSource: LIBRARY_SENDER, eventName: 'Heartbeat', eventId: id },
  };
}

export interface Heartbeat {
  readonly account: string;
  readonly region: string;
  readonly atMs: number;
}

/** A deployment as heartbeats name it: `account/region`, or the account alone (an expected account never heard from). */
export function deploymentLabel(deployment: { readonly account: string; readonly region?: string }): string {
  return deployment.region ? `${deployment.account}/${deployment.region}` : deployment.account;
}

/**
 * A heartbeat read from the topic (an SNS notification's message), or why it is not one. Only the
 * alert topic's publishers (ingest roles: the topic policy) can send it; even so its account and
 * region are checked for shape, since they become ledger keys and report lines.
 */
export function readHeartbeat(message: string): Heartbeat | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!isObject(value) || value.kind !== 'heartbeat') return { problem: 'not a heartbeat' };
  const { account, region, time } = value;
  if (typeof account !== 'string' || !isAccountId(account)) return { problem: `account ${JSON.stringify(account)} is not an account id` };
  if (typeof region !== 'string' || !isRegionName(region)) return { problem: `region ${JSON.stringify(region)} is not a region name` };
  const atMs = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  if (!Number.isFinite(atMs)) return { problem: `time ${JSON.stringify(time)} is not a date` };
  return { account, region, atMs };
}
