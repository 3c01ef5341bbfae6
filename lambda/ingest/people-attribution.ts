import { lowerFor } from './severity';
import type { Actor, Alert } from '../shared/alert';
import type { Person, PeopleDirectory } from '../shared/people';

/**
 * Puts a person behind an alert's actor or account, from the people directory. Pure.
 *
 * - An actor already established (Instance Connect, certificate, IAM, SSO) gains the person's name,
 *   email and Slack user id when the directory knows that identity; `via` stays how it was known.
 * - An SSH login with no actor: a key fingerprint in the directory names its owner (`via:
 *   key-owner`, one severity level lower, with the reason); else a unix user in the directory names
 *   its person (`via: directory`), a weaker link, so the severity stays.
 */
export function attributeToPeople(alert: Alert, directory: PeopleDirectory): Alert {
  if (alert.actor) {
    const person = personForActor(alert.actor, directory);
    return person ? { ...alert, actor: withPerson(alert.actor, person) } : alert;
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

function personForActor(actor: Actor, directory: PeopleDirectory): Person | undefined {
  switch (actor.via) {
    case 'certificate':
      return directory.find('certificateKeyIds', actor.name);
    case 'sso':
      return directory.find('ssoUserNames', actor.name);
    default: {
      // An IAM user's name, or a role session's name (often the person's user name or email).
      const arnName = actor.arn?.split('/').pop();
      return directory.find('iamUserNames', actor.name) ?? directory.find('ssoUserNames', actor.name)
        ?? (arnName ? directory.find('iamUserNames', arnName) : undefined);
    }
  }
}

function withPerson(actor: Actor, person: Person): Actor {
  return {
    ...actor,
    name: person.name,
    ...(person.email && { email: person.email }),
    ...(person.slackUserId && { slackUserId: person.slackUserId }),
  };
}
