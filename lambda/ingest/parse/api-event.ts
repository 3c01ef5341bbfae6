import { createHash } from 'node:crypto';
import { readIdentity, recordAccount, type Identity } from './cloudtrail-identity';
import type { EnvelopeFacts } from './console-login';
import { readCloudShellSession, readRemoteDesktop } from './console-session';
import { readContainerExec } from './container-exec';
import { readSessionDocument } from './session-document';
import type { SESSION_EVENTS, SessionEventName, SessionEventSource } from '../../../src/contract/event-patterns';
import type { ContainerInfo, SessionInfo } from '../../shared/alert';
import { normaliseIp } from '../../shared/networks';
import { isObject, nonEmptyString as str, toIsoUtc } from '../../shared/values';

/**
 * Reads the CloudTrail API calls that open a way in: Session Manager's `StartSession` and
 * `ResumeSession`, EC2 Instance Connect's `SendSSHPublicKey` and `SendSerialConsoleSSHPublicKey`
 * (a key pushed for 60 seconds), EC2 Instance Connect Endpoint's `OpenTunnel`, ECS Exec's
 * `ExecuteCommand`, CloudShell's `CreateSession` and Fleet Manager Remote Desktop's `StartConnection`.
 *
 * What CloudTrail records: `SendSSHPublicKey` has `requestParameters.instanceId`, `instanceOSUser`
 * and `sSHPublicKey` (the public key material itself, so its SHA256 fingerprint can be computed and
 * matched exactly against sshd's `Accepted publickey … SHA256:…`), and `responseElements.requestId`.
 * `OpenTunnel` has `instanceConnectEndpointId`, `remotePort` and `privateIpAddress`, but no instance id
 * and no OS user. `StartSession` has `target`, an optional `documentName` and `parameters`, and
 * `responseElements.sessionId`; no OS user (the session runs as ssm-user or the RunAs user). The
 * others: `container-exec.ts`, `console-session.ts`. Who made the call is `userIdentity`, written by
 * AWS; everything in `requestParameters` is written by the caller and only describes the request.
 */

export type ApiEventName = SessionEventName;
export type ApiKind = 'ssm-session' | 'instance-connect' | 'ecs-exec' | 'cloudshell' | 'remote-desktop';

/** Each session event's kind, under the service that records it (the contract's list, as a login). */
const API_KINDS: { readonly [S in SessionEventSource]: Record<(typeof SESSION_EVENTS)[S][number], ApiKind> } = {
  'ssm.amazonaws.com': { StartSession: 'ssm-session', ResumeSession: 'ssm-session' },
  'ec2-instance-connect.amazonaws.com': { SendSSHPublicKey: 'instance-connect', SendSerialConsoleSSHPublicKey: 'instance-connect', OpenTunnel: 'instance-connect' },
  'ecs.amazonaws.com': { ExecuteCommand: 'ecs-exec' },
  'cloudshell.amazonaws.com': { CreateSession: 'cloudshell' },
  'ssm-guiconnect.amazonaws.com': { StartConnection: 'remote-desktop' },
};

/** The service Fleet Manager Remote Desktop calls StartSession through (its `userIdentity.invokedBy`). */
export const REMOTE_DESKTOP_SERVICE = 'ssm-guiconnect.amazonaws.com';

export interface ApiLogin {
  readonly kind: ApiKind;
  readonly eventId: string;
  readonly eventSource: string;
  readonly eventName: ApiEventName;
  readonly time?: string;
  readonly account?: string;
  readonly region?: string;
  readonly identity: Identity;
  /** A denied or failed call: `errorCode` (and `errorMessage`) present. */
  readonly errorCode?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** The AWS service that made the call for the user (`userIdentity.invokedBy`), when one did. */
  readonly invokedBy?: string;
  /** The instance, when the record names it (SSM target `i-…`, Instance Connect and Fleet Manager `instanceId`). */
  readonly instanceId?: string;
  /** The instance's private address, for an Endpoint tunnel (no instance id is recorded). */
  readonly privateIp?: string;
  readonly osUser?: string;
  /** SHA256 fingerprint of the pushed key, computed from the recorded key material. */
  readonly keyFingerprint?: string;
  readonly keyType?: string;
  readonly port?: number;
  readonly session?: SessionInfo;
  /** ECS Exec: the task's container. */
  readonly container?: ContainerInfo;
  /** What could not be read in the record, for the alert's reasons (the rest is still used). */
  readonly problems: string[];
}

/** The kind of login a record is, or undefined: an event name counts only with its own service. */
function apiKind(detail: Record<string, unknown>): ApiKind | undefined {
  const { eventSource, eventName } = detail;
  if (typeof eventSource !== 'string' || typeof eventName !== 'string') return undefined;
  // Own keys only: an event named `toString` is not a session event.
  if (!Object.hasOwn(API_KINDS, eventSource)) return undefined;
  const names = API_KINDS[eventSource as SessionEventSource] as Record<string, ApiKind>;
  return Object.hasOwn(names, eventName) ? names[eventName] : undefined;
}

export function isApiLogin(detail: unknown): boolean {
  return isObject(detail) && apiKind(detail) !== undefined;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export function parseApiLogin(detail: Record<string, unknown>, envelope: EnvelopeFacts): ApiLogin {
  const eventName = detail.eventName as ApiEventName;
  const kind = apiKind(detail)!;
  const userIdentity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const identity = readIdentity(userIdentity);
  const request = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const response = isObject(detail.responseElements) ? detail.responseElements : {};
  const problems: string[] = [];
  const sourceAddress = str(detail.sourceIPAddress);
  const common = {
    kind,
    eventId: str(detail.eventID) ?? envelope.id,
    eventSource: detail.eventSource as string,
    eventName,
    time: toIsoUtc(detail.eventTime) ?? toIsoUtc(envelope.time),
    account: recordAccount(detail, envelope.account),
    region: str(detail.awsRegion) ?? envelope.region,
    identity,
    ...(str(detail.errorCode) && { errorCode: str(detail.errorCode) }),
    // A call made by an AWS service on the user's behalf records the service's name, not an address.
    ...(sourceAddress && normaliseIp(sourceAddress) && { sourceIp: normaliseIp(sourceAddress) }),
    ...(str(detail.userAgent) && { userAgent: str(detail.userAgent) }),
    ...(str(userIdentity.invokedBy) && { invokedBy: str(userIdentity.invokedBy) }),
  };

  if (kind === 'ssm-session') {
    const target = str(request.target);
    const sessionId = str(response.sessionId) ?? str(request.sessionId);
    if (!target && eventName === 'StartSession') problems.push('StartSession record without a target');
    const document = readSessionDocument(str(request.documentName), request.parameters);
    return {
      ...common,
      ...(target && INSTANCE_ID.test(target) && { instanceId: target }),
      session: {
        ...(sessionId && { id: sessionId }),
        // ResumeSession names no document: what it resumes was alerted when it started.
        ...(eventName === 'StartSession' ? document : { document: 'shell' }),
        ...(target && { target }),
      },
      problems,
    };
  }
  if (kind === 'ecs-exec') {
    const exec = readContainerExec(request, response);
    return { ...common, container: exec.container, session: exec.session, problems: exec.problems };
  }
  if (kind === 'cloudshell') {
    return { ...common, session: readCloudShellSession(request, response), problems };
  }
  if (kind === 'remote-desktop') {
    const desktop = readRemoteDesktop(request, response);
    if (!desktop.instanceId) problems.push('StartConnection record without an InstanceId');
    return {
      ...common,
      ...(desktop.instanceId && INSTANCE_ID.test(desktop.instanceId) && { instanceId: desktop.instanceId }),
      session: desktop.session,
      problems,
    };
  }

  const requestId = str(response.requestId) ?? str(detail.requestID);
  if (eventName === 'OpenTunnel') {
    const privateIp = normaliseIp(str(request.privateIpAddress) ?? '');
    const port = Number(str(request.remotePort));
    if (!privateIp) problems.push('OpenTunnel record without a private IP address');
    return {
      ...common,
      ...(privateIp && { privateIp }),
      ...(Number.isInteger(port) && port > 0 && port <= 65535 && { port }),
      session: { ...(str(request.instanceConnectEndpointId) && { id: str(request.instanceConnectEndpointId) }), ...(requestId && { requestId }) },
      problems,
    };
  }

  const instanceId = str(request.instanceId);
  const osUser = str(request.instanceOSUser);
  const key = readPublicKey(str(request.sSHPublicKey));
  if (!instanceId) problems.push(`${eventName} record without an instanceId`);
  if (!osUser && eventName === 'SendSSHPublicKey') problems.push('SendSSHPublicKey record without an instanceOSUser');
  if (!key && str(request.sSHPublicKey)) problems.push('the pushed public key could not be read');
  return {
    ...common,
    ...(instanceId && INSTANCE_ID.test(instanceId) && { instanceId }),
    ...(osUser && { osUser }),
    ...(key && { keyFingerprint: key.fingerprint, keyType: key.type }),
    session: { ...(requestId && { requestId }) },
    problems,
  };
}

const KEY_TYPES: Record<string, string> = {
  'ssh-ed25519': 'ED25519',
  'ssh-rsa': 'RSA',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
  'sk-ssh-ed25519@openssh.com': 'ED25519-SK',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ECDSA-SK',
};

/**
 * `ssh-ed25519 AAAA… comment` → OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the
 * SHA-256 of the key blob, as sshd logs it. Undefined for anything that is not such a key.
 */
export function readPublicKey(text: string | undefined): { type: string; fingerprint: string } | undefined {
  const [algorithm, blob] = (text ?? '').trim().split(/\s+/);
  if (!algorithm || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  const bytes = Buffer.from(blob, 'base64');
  // The blob starts with the algorithm name, length-prefixed: a cheap check that it is a key at all.
  const named = bytes.length >= 4 && bytes.readUInt32BE(0) === algorithm.length && bytes.subarray(4, 4 + algorithm.length).toString() === algorithm;
  if (!named) return undefined;
  const digest = createHash('sha256').update(bytes).digest('base64').replace(/=+$/, '');
  return { type: KEY_TYPES[algorithm] ?? algorithm.toUpperCase(), fingerprint: `SHA256:${digest}` };
}
