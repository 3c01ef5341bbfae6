import type { Actor, Principal } from '../../shared/alert';
import { isObject, nonEmptyString as str } from '../../shared/values';

/**
 * Who a CloudTrail record says made the call (`userIdentity`), as the alert's `user`, `principal`
 * and `actor`. Field meanings: CloudTrail user guide, "CloudTrail userIdentity element".
 */

export const IDENTITY_CENTER_ROLE_PREFIX = 'AWSReservedSSO_';

export interface Identity {
  /** `root`, the IAM user name, the role session name, or the federated user's name, as logged. */
  readonly user: string;
  readonly principal: Principal;
  /** The principal as the person behind the call: an IAM user, root, an SSO user, a role session. */
  readonly actor?: Actor;
  /** Long-term access keys (`AKIA…`) rather than a console or temporary session. */
  readonly longTermKeys: boolean;
}

export function readIdentity(identity: Record<string, unknown>, extra: Record<string, unknown> = {}): Identity {
  const type = str(identity.type) ?? 'Unknown';
  const arn = str(identity.arn);
  const base: Principal = { type, ...(arn && { arn }) };
  const longTermKeys = str(identity.accessKeyId)?.startsWith('AKIA') ?? false;
  switch (type) {
    case 'Root':
      return { user: 'root', principal: base, actor: { name: 'root', ...(arn && { arn }), via: 'iam' }, longTermKeys };
    case 'AssumedRole': {
      // arn:aws:sts::123456789012:assumed-role/<role>/<session>
      const [, roleName, session] = (arn ?? '').split(':').slice(5).join(':').split('/');
      const federation = roleName?.startsWith(IDENTITY_CENTER_ROLE_PREFIX) ? 'identity-center'
        : str(extra.SamlProviderArn) ? 'saml' : undefined;
      const user = session || str(identity.principalId)?.split(':').pop() || 'unknown';
      const context = isObject(identity.sessionContext) ? identity.sessionContext : {};
      const sourceIdentity = str(context.sourceIdentity);
      return {
        user,
        principal: { ...base, ...(roleName && { roleName }), ...(federation && { federation }) },
        // An Identity Center session is named after the SSO user: the person. Another role session
        // names whatever the caller chose: the principal, not a person (people/attribution.ts).
        actor: { name: user, ...(arn && { arn }), ...(sourceIdentity && { sourceIdentity }), via: federation === 'identity-center' ? 'sso' : 'iam' },
        longTermKeys,
      };
    }
    case 'FederatedUser': {
      // arn:aws:sts::123456789012:federated-user/<name>
      const user = arn?.split('/').slice(1).join('/') || str(identity.userName) || 'unknown';
      return { user, principal: base, actor: { name: user, ...(arn && { arn }), via: 'iam' }, longTermKeys };
    }
    case 'IAMUser': {
      const user = str(identity.userName) ?? arn?.split('/').pop() ?? str(identity.principalId) ?? 'unknown';
      return { user, principal: base, actor: { name: user, ...(arn && { arn }), via: 'iam' }, longTermKeys };
    }
    default:
      return { user: str(identity.userName) ?? str(identity.principalId) ?? 'unknown', principal: base, longTermKeys };
  }
}

/**
 * An IAM or STS principal ARN as the ec2-instance-connect package writes it, or undefined: text
 * that is not such an ARN is not trusted to name anyone.
 */
const PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:(?:iam::\d{12}:(?:root|user\/[\w+=,.@/-]{1,512})|sts::\d{12}:(?:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{1,64}|federated-user\/[\w+=,.@-]{1,64}))$/;

/** The actor an Instance Connect principal ARN names (the user, the role session, or root). */
export function actorFromPrincipalArn(arn: string): Actor | undefined {
  if (!PRINCIPAL_ARN.test(arn)) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  if (resource === 'root') return { name: 'root', arn, via: 'instance-connect' };
  const parts = resource.split('/');
  return { name: parts[parts.length - 1], arn, via: 'instance-connect' };
}

/**
 * The account a CloudTrail record happened in: `recipientAccountId`; a record without it (some
 * forwarded or hand-exported records) falls back to the caller's `userIdentity.accountId`, then the
 * account in the caller's ARN, and only then to what the delivery says (the envelope, or the
 * deployment's own account for the reconciler and replay).
 */
export function recordAccount(detail: Record<string, unknown>, fallback: string | undefined): string | undefined {
  const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const fromArn = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(str(identity.arn) ?? '')?.[1];
  const account = [str(detail.recipientAccountId), str(identity.accountId), fromArn].find((a) => a !== undefined && /^\d{12}$/.test(a));
  return account ?? fallback;
}
