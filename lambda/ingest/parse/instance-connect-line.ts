import { actorFromPrincipalArn } from './cloudtrail-identity';
import { readRecord, type RecordHeader } from './syslog-record';
import type { Actor } from '../../shared/alert';

/**
 * The instance's own record of an EC2 Instance Connect key push, written by the ec2-instance-connect
 * package (sshd's AuthorizedKeysCommand) to the auth log, a second or so before sshd's `Accepted`:
 *
 *   ec2-instance-connect[1286]: Providing ssh key from EC2 Instance Connect with fingerprint:
 *   SHA256:<fp>[.], request-id: <uuid>, for IAM principal: arn:aws:iam::<acct>:user/<name>
 *
 * `request-id` and `for IAM principal` are each optional. Only a record whose tag says the package
 * wrote it counts (text that merely contains "Providing ssh key" attributes nothing), and only an ARN
 * that is an IAM or STS principal ARN names an actor. A root user on the instance could forge this
 * line; CloudTrail's SendSSHPublicKey is the authoritative side.
 */
export interface KeyPushLine extends RecordHeader {
  readonly fingerprint: string;
  readonly requestId?: string;
  /** The principal as written, trusted or not. */
  readonly principalArn?: string;
  /** Set only when `principalArn` is a well-formed principal ARN. */
  readonly actor?: Actor;
}

/** Anchored, every part a bounded token: linear in the line's length. */
const PROVIDING = /^Providing ssh key from EC2 Instance Connect with fingerprint: (SHA256:[A-Za-z0-9+/]{20,64})\.?(?:, request-id: ([0-9A-Za-z-]{8,64}))?(?:, for IAM principal: (\S{1,2048}))?\s*$/;

export function parseInstanceConnectLine(line: string): KeyPushLine | undefined {
  if (!line.includes('Providing ssh key')) return undefined;
  const record = readRecord(line, 'ec2-instance-connect');
  if (!record) return undefined;
  const match = PROVIDING.exec(record.message.trimEnd());
  if (!match) return undefined;
  const [, fingerprint, requestId, principalArn] = match;
  // journalctl cuts long lines at the terminal width with a `>`: a cut ARN names nobody.
  const actor = principalArn ? actorFromPrincipalArn(principalArn) : undefined;
  return {
    fingerprint,
    ...(requestId && { requestId }),
    ...(principalArn && { principalArn }),
    ...(actor && { actor }),
    ...record.header,
  };
}
