import { UNKNOWN_USER, type Actor, type Alert } from '../../shared/alert';
import type { Person, PeopleDirectory } from '../../shared/people';
import { lowerFor } from '../draft/severity';
import { IDENTITY_CENTER_ROLE_PREFIX } from '../parse/cloudtrail-identity';

/**
 * Puts a person behind an alert's actor or account, from the people directory. Pure.
 *
 * - An actor already established (Instance Connect, certificate, IAM, SSO) gains the person's name,
 *   email and Slack user id when the directory knows an identity of it that the caller could not
 *   have chosen (`trustedName`); `via` stays how it was known.
 * - A Windows logon: its domain-qualified account in the directory names its person (`via:
 *   directory`); a failure names whose account was tried in its reasons, never as its actor.
 * - An SSH login with no actor: a key fingerprint in the directory names its owner (`via:
 *   key-owner`, one severity level lower, with the reason); else a unix user in the directory names
 *   its person (`via: directory`), a weaker link, so the severity stays.
 */
export function attributeToPeople(alert: Alert, directory: PeopleDirectory, trust: AttributionTrust = {}): Alert {
  if (alert.actor) {
    // An Identity Center user id is AWS's (the identity store's), written once authenticated.
    const byId = alert.actor.via === 'sso' ? directory.find('identityCenterUserIds', alert.principal?.identityCenterUserId) : undefined;
    if (byId) return { ...alert, actor: withPerson(alert.actor, byId) };
    const found = personForActor(alert.actor, directory, trust);
    if (found.person) return { ...alert, actor: withPerson(alert.actor, found.person) };
    return found.untrusted ? { ...alert, reasons: [...alert.reasons, found.untrusted] } : alert;
  }
  if (alert.kind === 'windows-logon') {
    // A success's account is the one Windows authenticated. A failure's is the one someone typed:
    // it names whose account was tried, and says so. An unread event names nobody.
    if (alert.user === UNKNOWN_USER) return alert;
    const person = directory.find('windowsAccounts', alert.user);
    if (!person) return alert;
    if (alert.outcome === 'success') return { ...alert, actor: withPerson({ name: person.name, via: 'directory' }, person) };
    // Whose account was tried, never an actor: the one who tried is not the account's owner.
    return { ...alert, reasons: [...alert.reasons, `account of ${person.name} (people directory), named by whoever tried it`] };
  }
  if (alert.kind !== 'ssh') return alert;
  const keyOwner = directory.find('keyFingerprints', alert.keyFingerprint);
  if (keyOwner) {
    const { severity, reasons } = lowerFor(alert, `key of ${keyOwner.name} (people directory)`);
    return { ...alert, severity, reasons, actor: withPerson({ name: keyOwner.name, via: 'key-owner' }, keyOwner) };
  }
  const owner = directory.find('unixUsers', alert.user);
  return owner ? { ...alert, actor: withPerson({ name: owner.name, via: 'directory' }, owner) } : alert;
}

/** What the user declared about who sets role session names (LoginAlerts `identityProviderRoles`). */
export interface AttributionTrust {
  /** Roles whose session names the user's identity provider sets: names, `*` matching any run of characters. */
  readonly identityProviderRoles?: readonly string[];
}

interface Found {
  readonly person?: Person;
  /** Why a person the directory knows by this name was not named: the name was the caller's to choose. */
  readonly untrusted?: string;
}

/**
 * Only what the caller cannot choose names a person: a certificate's key id (the CA's), an IAM user's
 * name, an Identity Center session (`AWSReservedSSO_*`: Identity Center names the session after the
 * user), a session's `sourceIdentity` (set once, never changed by the session), or the session name
 * of a role the user declared as having its session names set by their identity provider. Any other
 * role session name, and a federated user's name, is whatever its caller wrote.
 */
function personForActor(actor: Actor, directory: PeopleDirectory, trust: AttributionTrust): Found {
  if (actor.via === 'certificate') return { person: directory.find('certificateKeyIds', actor.name) };
  const arn = parsePrincipalArn(actor.arn);
  if (arn?.kind === 'sso-session') return { person: directory.find('ssoUserNames', arn.name) };
  if (actor.via === 'sso') return { person: directory.find('ssoUserNames', actor.name) };
  if (arn?.kind === 'user') return { person: directory.find('iamUserNames', arn.name) };
  if (actor.sourceIdentity) {
    const person = directory.find('iamUserNames', actor.sourceIdentity) ?? directory.find('ssoUserNames', actor.sourceIdentity);
    if (person) return { person };
  }
  if (arn?.kind !== 'role-session' && arn?.kind !== 'federated-user') return {};
  if (arn.kind === 'role-session' && roleMatches(arn.role, trust.identityProviderRoles ?? [])) {
    return { person: directory.find('ssoUserNames', arn.name) ?? directory.find('iamUserNames', arn.name) };
  }
  const lookalike = directory.find('ssoUserNames', arn.name) ?? directory.find('iamUserNames', arn.name);
  if (!lookalike) return {};
  const what = arn.kind === 'role-session' ? `role ${arn.role}'s session name` : 'a federated user\'s name';
  return { untrusted: `${what} matches ${lookalike.name} in the people directory but is chosen by the caller: not attributed` };
}

type ArnParts =
  | { kind: 'user'; name: string }
  | { kind: 'sso-session'; role: string; name: string }
  | { kind: 'role-session'; role: string; name: string }
  | { kind: 'federated-user'; name: string }
  | { kind: 'other' };

/** `arn:aws:iam::<acct>:user/[path/]<name>`, `arn:aws:sts::<acct>:assumed-role/<role>/<session>`, `…:federated-user/<name>`. */
function parsePrincipalArn(arn: string | undefined): ArnParts | undefined {
  if (!arn) return undefined;
  const match = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:([a-z-]+)\/(.+)$/.exec(arn);
  if (!match) return { kind: 'other' };
  const [, service, type, rest] = match;
  const parts = rest.split('/');
  if (service === 'iam' && type === 'user') return { kind: 'user', name: parts[parts.length - 1] };
  if (service === 'sts' && type === 'assumed-role' && parts.length === 2) {
    const [role, name] = parts;
    return { kind: role.startsWith(IDENTITY_CENTER_ROLE_PREFIX) ? 'sso-session' : 'role-session', role, name };
  }
  if (service === 'sts' && type === 'federated-user') return { kind: 'federated-user', name: rest };
  return { kind: 'other' };
}

/** A role name against the declared names, where `*` matches any run of characters (`Okta-*`). */
export function roleMatches(role: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const parts = pattern.split('*');
    if (parts.length === 1) return role === pattern;
    if (!role.startsWith(parts[0]) || !role.endsWith(parts[parts.length - 1])) return false;
    let at = parts[0].length;
    for (const middle of parts.slice(1, -1)) {
      const found = role.indexOf(middle, at);
      if (found < 0) return false;
      at = found + middle.length;
    }
    return at <= role.length - parts[parts.length - 1].length;
  });
}

function withPerson(actor: Actor, person: Person): Actor {
  return {
    ...actor,
    name: person.name,
    ...(person.email && { email: person.email }),
    ...(person.slackUserId && { slackUserId: person.slackUserId }),
  };
}
