import { isObject } from './values';
import { isSlackUserId } from '../../src/contract/slack-ids';

/**
 * The people directory: who is behind the identities that appear in logins. Its JSON form (a file
 * in S3, a Parameter Store parameter, or what `PeopleDirectory.fromPeople` writes) is a public
 * interface, documented in README ("The people directory") and used by `replay --people`:
 *
 *   { "people": [ { "name": "Alice Doe", "email": "alice@example.com", "slackUserId": "U024BE7LH",
 *       "unixUsers": ["alice"], "keyFingerprints": ["SHA256:…"], "certificateKeyIds": ["alice@example.com"],
 *       "iamUserNames": ["alice"], "ssoUserNames": ["alice@example.com"],
 *       "identityCenterUserIds": ["f12bb510-a011-702f-10dd-5607e2776dbc"], "windowsAccounts": ["CORP\\alice"] } ] }
 */
export interface Person {
  readonly name: string;
  readonly email?: string;
  readonly slackUserId?: string;
  readonly unixUsers?: string[];
  readonly keyFingerprints?: string[];
  readonly certificateKeyIds?: string[];
  readonly iamUserNames?: string[];
  readonly ssoUserNames?: string[];
  /** IAM Identity Center user ids (the identity store's, as CloudTrail's `onBehalfOf.userId` writes them). */
  readonly identityCenterUserIds?: string[];
  /** Windows accounts, domain-qualified (`CORP\\alice`, or `EC2AMAZ-1A2B3C\\alice` for a local one); matched without case. */
  readonly windowsAccounts?: string[];
}

const LISTS = ['unixUsers', 'keyFingerprints', 'certificateKeyIds', 'iamUserNames', 'ssoUserNames', 'identityCenterUserIds', 'windowsAccounts'] as const;
/** Windows compares account and domain names without case: so does the directory. */
const CASE_BLIND: ReadonlySet<Identity> = new Set(['windowsAccounts']);
type Identity = (typeof LISTS)[number];

export class PeopleDirectoryError extends Error {
  constructor(message: string) {
    super(`people directory: ${message}`);
    this.name = 'PeopleDirectoryError';
  }
}

/** Identities to people, each kind its own map: lookups cost the same for 5 people or 5,000. */
export class PeopleDirectory {
  static parse(json: string): PeopleDirectory {
    let document: unknown;
    try {
      document = JSON.parse(json);
    } catch (error) {
      throw new PeopleDirectoryError(`not JSON: ${(error as Error).message}`);
    }
    if (!isObject(document) || !Array.isArray(document.people)) throw new PeopleDirectoryError('expected {"people": [...]}');
    const problems: string[] = [];
    return new PeopleDirectory(document.people.map((value, index) => readPerson(value, index, problems)), problems);
  }

  readonly size: number;
  /** What was refused while reading (an entry's Slack id that is not one): the rest of the entry is used. */
  readonly problems: readonly string[];
  private readonly maps = new Map<Identity, Map<string, Person>>();

  constructor(people: readonly Person[], problems: readonly string[] = []) {
    this.size = people.length;
    this.problems = problems;
    for (const list of LISTS) this.maps.set(list, new Map());
    for (const person of people) {
      for (const list of LISTS) {
        for (const given of person[list] ?? []) {
          const value = CASE_BLIND.has(list) ? given.toLowerCase() : given;
          const map = this.maps.get(list)!;
          const other = map.get(value);
          if (other && other !== person) throw new PeopleDirectoryError(`${list} ${JSON.stringify(value)} belongs to both ${other.name} and ${person.name}`);
          map.set(value, person);
        }
      }
    }
  }

  find(kind: Identity, value: string | undefined): Person | undefined {
    if (value === undefined) return undefined;
    return this.maps.get(kind)!.get(CASE_BLIND.has(kind) ? value.toLowerCase() : value);
  }
}

function readPerson(value: unknown, index: number, problems: string[]): Person {
  if (!isObject(value)) throw new PeopleDirectoryError(`people[${index}] is not an object`);
  if (typeof value.name !== 'string' || value.name.trim() === '') throw new PeopleDirectoryError(`people[${index}] has no name`);
  const person: Record<string, unknown> = { name: value.name };
  for (const field of ['email', 'slackUserId'] as const) {
    if (value[field] === undefined) continue;
    if (typeof value[field] !== 'string') throw new PeopleDirectoryError(`people[${index}].${field} is not a string`);
    person[field] = value[field];
  }
  // A Slack id is written into Slack as a mention and a DM's channel: one that is not an id
  // (`U1><!channel>`) would notify a channel. Refused, with the reason; the person is still known.
  if (person.slackUserId !== undefined && !isSlackUserId(person.slackUserId)) {
    problems.push(`people[${index}] (${value.name}).slackUserId ${JSON.stringify(String(person.slackUserId).slice(0, 64))} is not a Slack user id: refused`);
    delete person.slackUserId;
  }
  for (const list of LISTS) {
    const items = value[list];
    if (items === undefined) continue;
    if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
      throw new PeopleDirectoryError(`people[${index}].${list} is not a list of non-empty strings`);
    }
    person[list] = items;
  }
  return person as unknown as Person;
}
