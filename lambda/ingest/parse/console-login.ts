import { readIdentity, recordAccount } from './cloudtrail-identity';
import type { Actor, Outcome, Principal } from '../../shared/alert';
import { normaliseIp } from '../../shared/networks';
import { isObject, nonEmptyString as str, toIsoUtc } from '../../shared/values';

/**
 * Reads a CloudTrail `ConsoleLogin` record (the `detail` of the EventBridge event) into a login.
 * Field meanings: CloudTrail user guide, "AWS console sign-in events".
 */

/** What every AWS Sign-In record says: this one (ConsoleLogin) and the others (sign-in-event.ts). */
export interface SignInRecord {
  readonly eventId: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly time?: string;
  readonly account?: string;
  readonly region?: string;
  /** `root`, the IAM user name, the role session name, the federated or Identity Center user's name, as logged. */
  readonly user: string;
  readonly principal: Principal;
  readonly actor?: Actor;
  readonly outcome: Outcome;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly errorMessage?: string;
}

export interface ConsoleLogin extends SignInRecord {
  /** Undefined when the record does not say (`MFAUsed` absent). */
  readonly mfa?: boolean;
  /** CloudTrail writes a placeholder instead of a user name that does not exist. */
  readonly userHidden: boolean;
}

/** What the EventBridge envelope knows, used where the CloudTrail record is silent. */
export interface EnvelopeFacts {
  readonly id: string;
  readonly account?: string;
  readonly region?: string;
  readonly time?: string;
}

export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** The record fields we read; all optional because CloudTrail promises none of them to us. */
interface ConsoleLoginRecord {
  eventID?: unknown;
  eventSource?: unknown;
  eventName?: unknown;
  eventTime?: unknown;
  awsRegion?: unknown;
  recipientAccountId?: unknown;
  sourceIPAddress?: unknown;
  userAgent?: unknown;
  errorMessage?: unknown;
  userIdentity?: unknown;
  responseElements?: unknown;
  additionalEventData?: unknown;
}

export function isConsoleLogin(detail: unknown): boolean {
  return isObject(detail) && detail.eventName === 'ConsoleLogin';
}

export function parseConsoleLogin(detail: Record<string, unknown>, envelope: EnvelopeFacts): ConsoleLogin {
  const record = detail as ConsoleLoginRecord;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const extra = isObject(record.additionalEventData) ? record.additionalEventData : {};
  const { user, principal, actor } = readIdentity(identity, extra);
  const mfaUsed = str(extra.MFAUsed);
  const sourceAddress = str(record.sourceIPAddress);
  return {
    // A retry of the same sign-in keeps CloudTrail's eventID; the envelope id is the fallback.
    eventId: str(record.eventID) ?? envelope.id,
    eventSource: str(record.eventSource) ?? 'signin.amazonaws.com',
    eventName: str(record.eventName) ?? 'ConsoleLogin',
    time: toIsoUtc(record.eventTime) ?? toIsoUtc(envelope.time),
    account: recordAccount(detail, envelope.account),
    region: str(record.awsRegion) ?? envelope.region,
    user,
    principal,
    ...(actor && { actor }),
    outcome: readOutcome(record),
    // `Yes`/`No` in most records, `YES` in AWS's own root sign-in sample: compared without case.
    mfa: mfaUsed === undefined ? undefined : mfaUsed.toLowerCase() === 'yes',
    sourceIp: sourceAddress === undefined ? undefined : normaliseIp(sourceAddress),
    userAgent: str(record.userAgent),
    errorMessage: str(record.errorMessage),
    userHidden: user === HIDDEN_USER,
  };
}

function readOutcome(record: ConsoleLoginRecord): Outcome {
  const response = isObject(record.responseElements) ? record.responseElements : {};
  // Without an explicit Success we never claim one.
  return response.ConsoleLogin === 'Success' ? 'success' : 'failure';
}
