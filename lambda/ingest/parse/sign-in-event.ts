import { actorFromPrincipalArn, readIdentity, recordAccount } from './cloudtrail-identity';
import type { EnvelopeFacts, SignInRecord } from './console-login';
import type { Actor, Outcome } from '../../shared/alert';
import { normaliseIp } from '../../shared/networks';
import { isObject, nonEmptyString as str, toIsoUtc } from '../../shared/values';

/**
 * AWS Sign-In's records other than `ConsoleLogin` (that one: console-login.ts), from CloudTrail:
 *
 * - `PasswordRecoveryRequested` / `PasswordRecoveryCompleted`: the root user's "Forgot your
 *   password?" flow (IAM and federated users never produce them); the result in
 *   `responseElements.<eventName>`. Whoever owns the root mailbox can complete it.
 * - `SwitchRole`: a console session now acts as another role. `userIdentity` is the role session it
 *   switched to; `additionalEventData.SwitchFrom` the principal it switched from, written by AWS
 *   Sign-In after authenticating it: the person. The new session's name is not read as anyone.
 * - IAM Identity Center's access portal (AWS service events, `eventType` `AwsServiceEvent`): one
 *   `CredentialVerification` per factor tried (`serviceEventDetails.CredentialVerification`
 *   `Success`/`Failure`, the factor in `additionalEventData.CredentialType`), then one
 *   `UserAuthentication` once every factor passed; all tied by `additionalEventData.AuthWorkflowID`.
 *   The user is `userIdentity.userName`, and in records since 2025 `onBehalfOf.userId` (the
 *   Identity Store user id) with the store's ARN.
 *
 * Who can write what: the whole record is AWS's. But a failed verification's `userName` is the name
 * the person at the sign-in page typed, who may be anyone: it names who was tried, never who tried.
 */

/** A factor of an Identity Center sign-in that passed: no alert of its own, kept by the ledger for its sign-in. */
export interface VerifiedFactor {
  readonly workflowId: string;
  readonly factor: string;
  readonly eventId: string;
}

export type SignInKind = 'password-recovery' | 'switch-role' | 'identity-center-sign-in';

/** A step of an Identity Center sign-in: a factor verified, or the sign-in as a whole. */
export type SignInStep = 'verification' | 'authentication';

/** `actor` only for a success: a failure names who was tried, not who tried. */
export interface SignInEvent extends SignInRecord {
  readonly kind: SignInKind;
  readonly step?: SignInStep;
  /** Identity Center: the sign-in's workflow id and the factors this record names (`PASSWORD`, `TOTP`, `WEBAUTHN`, …). */
  readonly workflowId?: string;
  readonly factors: string[];
  /** Identity Center: where the user was signing in to (the access portal's URL, or an application's). */
  readonly loginTo?: string;
  /** SwitchRole: the principal that switched, and the role session it became. */
  readonly switchFrom?: string;
  readonly problems: string[];
}

const KINDS: Record<string, SignInKind> = {
  PasswordRecoveryRequested: 'password-recovery',
  PasswordRecoveryCompleted: 'password-recovery',
  SwitchRole: 'switch-role',
  CredentialVerification: 'identity-center-sign-in',
  UserAuthentication: 'identity-center-sign-in',
};

export function isSignInEvent(detail: unknown): boolean {
  return isObject(detail) && detail.eventSource === 'signin.amazonaws.com' && typeof detail.eventName === 'string' && Object.hasOwn(KINDS, detail.eventName);
}

/** A factor as AWS names it: upper-case letters, digits and underscores (`PASSWORD`, `RESYNC_TOTP`); one record may list several. */
const FACTOR = /^[A-Z][A-Z0-9_]{0,40}$/;

export function parseSignInEvent(detail: Record<string, unknown>, envelope: EnvelopeFacts): SignInEvent {
  const eventName = str(detail.eventName) ?? '';
  const kind = KINDS[eventName];
  const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const extra = isObject(detail.additionalEventData) ? detail.additionalEventData : {};
  const problems: string[] = [];
  const outcome = readOutcome(detail, eventName);
  const sourceAddress = str(detail.sourceIPAddress);
  const common = {
    kind,
    eventId: str(detail.eventID) ?? envelope.id,
    eventSource: 'signin.amazonaws.com',
    eventName,
    time: toIsoUtc(detail.eventTime) ?? toIsoUtc(envelope.time),
    account: recordAccount(detail, envelope.account),
    region: str(detail.awsRegion) ?? envelope.region,
    outcome,
    // `AWS Internal` in some service events: not an address.
    ...(sourceAddress && /^[0-9a-fA-F.:]+$/.test(sourceAddress) && { sourceIp: normaliseIp(sourceAddress) }),
    ...(str(detail.userAgent) && { userAgent: str(detail.userAgent) }),
    ...(str(detail.errorMessage) && { errorMessage: str(detail.errorMessage) }),
    factors: [] as string[],
    problems,
  };

  if (kind === 'switch-role') {
    const target = readIdentity(identity, extra);
    const switchFrom = str(extra.SwitchFrom);
    const from = switchFrom ? actorFromPrincipalArn(switchFrom) : undefined;
    if (!from) problems.push(switchFrom ? 'SwitchRole record whose SwitchFrom is not a principal ARN' : 'SwitchRole record without SwitchFrom');
    return {
      ...common,
      user: target.user,
      principal: target.principal,
      // The principal that switched, as AWS Sign-In authenticated it: an IAM user, a role session
      // (an Identity Center one is the person), or root.
      ...(from && outcome === 'success' && { actor: { ...from, via: from.arn?.includes(':assumed-role/AWSReservedSSO_') ? 'sso' : 'iam' } as Actor }),
      ...(switchFrom && { switchFrom }),
    };
  }

  if (kind === 'password-recovery') {
    const { user, principal } = readIdentity(identity, extra);
    if (principal.type !== 'Root') problems.push(`${eventName} for a ${principal.type} identity: AWS records it for the root user only`);
    // Nobody is named: whoever holds the root mailbox is whoever did it.
    return { ...common, user, principal };
  }

  // Identity Center.
  const onBehalfOf = isObject(identity.onBehalfOf) ? identity.onBehalfOf : {};
  const userId = str(onBehalfOf.userId);
  const identityStoreArn = str(onBehalfOf.identityStoreArn);
  const userName = str(identity.userName);
  const workflowId = str(extra.AuthWorkflowID);
  if (!workflowId) problems.push(`${eventName} record without AuthWorkflowID`);
  if (!userName && !userId) problems.push(`${eventName} record names no user`);
  const factors = (str(extra.CredentialType) ?? '').split(',').map((f) => f.trim()).filter((f) => FACTOR.test(f));
  const user = userName ?? userId ?? 'unknown';
  return {
    ...common,
    step: eventName === 'UserAuthentication' ? 'authentication' : 'verification',
    user,
    principal: {
      type: str(identity.type) ?? 'Unknown',
      ...(userId && { identityCenterUserId: userId }),
      ...(identityStoreArn && { identityStoreArn }),
    },
    ...(outcome === 'success' && user !== 'unknown' && { actor: { name: user, via: 'sso' } as Actor }),
    ...(workflowId && { workflowId }),
    factors,
    ...(str(extra.LoginTo) && { loginTo: str(extra.LoginTo) }),
  };
}

/** Without an explicit Success we never claim one. */
function readOutcome(detail: Record<string, unknown>, eventName: string): Outcome {
  const response = isObject(detail.responseElements) ? detail.responseElements : {};
  const service = isObject(detail.serviceEventDetails) ? detail.serviceEventDetails : {};
  const result = response[eventName] ?? service[eventName];
  return result === 'Success' && !detail.errorCode ? 'success' : 'failure';
}
