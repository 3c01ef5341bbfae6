import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { isSlackUserId } from './contract/slack-ids';

/**
 * A person of the people directory, with the identities that map to them.
 */
export interface Person {
  /**
   * The person's name, as alerts show it (`actor.name`).
   */
  readonly name: string;

  /**
   * Their email address.
   *
   * @default - none
   */
  readonly email?: string;

  /**
   * Their Slack user id (`U024BE7LH`).
   *
   * @default - none
   */
  readonly slackUserId?: string;

  /**
   * Unix accounts that are theirs alone (a personal account, not `ubuntu`).
   *
   * @default - none
   */
  readonly unixUsers?: string[];

  /**
   * SSH key fingerprints of their keys, as sshd logs them (`SHA256:…`): a login with one of these
   * on a shared account is attributed to them.
   *
   * @default - none
   */
  readonly keyFingerprints?: string[];

  /**
   * OpenSSH certificate key ids issued to them.
   *
   * @default - none
   */
  readonly certificateKeyIds?: string[];

  /**
   * Their IAM user names (also matched against role session names).
   *
   * @default - none
   */
  readonly iamUserNames?: string[];

  /**
   * Their IAM Identity Center user names (the session names of `AWSReservedSSO_*` roles).
   *
   * @default - none
   */
  readonly ssoUserNames?: string[];

  /**
   * Their IAM Identity Center user ids (the identity store's user id, which CloudTrail records as
   * `userIdentity.onBehalfOf.userId` in access portal sign-ins): a sign-in names its person by id
   * even when the record carries no user name, and an id survives a rename.
   *
   * @default - none
   */
  readonly identityCenterUserIds?: string[];

  /**
   * Their Windows accounts, domain-qualified as Windows logs them (`CORP\\alice` for a domain
   * account, `EC2AMAZ-1A2B3C\\alice` for a local one), matched without regard to case. Only a
   * successful logon names its person: a failed one's account is whatever the client typed.
   *
   * @default - none
   */
  readonly windowsAccounts?: string[];
}

/**
 * Where the ingest function reads the directory: set by `bind`.
 */
export interface PeopleDirectoryConfig {
  /**
   * `s3://bucket/key` or `ssm:<parameter name>` (the function's `PEOPLE_DIRECTORY`).
   */
  readonly uri: string;
}

const IDENTITY_LISTS = ['unixUsers', 'keyFingerprints', 'certificateKeyIds', 'iamUserNames', 'ssoUserNames', 'identityCenterUserIds', 'windowsAccounts'] as const;

/**
 * The people directory: maps unix users, key fingerprints, certificate key ids, IAM and SSO user
 * names to people, so alerts name the person behind a login. Read by the ingest function at run
 * time (every 5 minutes), never from its environment; its JSON form is in README.
 */
export abstract class PeopleDirectory {
  /**
   * A list given in the app, shipped as a deployment asset (S3) with the stack.
   */
  public static fromPeople(people: Person[]): PeopleDirectory {
    validatePeople(people);
    return new AssetDirectory(people);
  }

  /**
   * A JSON document in S3 (`{"people": [...]}`): edit it and the function reads it within 5 minutes,
   * without a deploy.
   */
  public static fromS3Object(bucket: s3.IBucket, objectKey: string): PeopleDirectory {
    return new S3Directory(bucket, objectKey);
  }

  /**
   * A JSON document in a Parameter Store parameter (advanced tier holds up to 8 KB: about 40 people;
   * use S3 for more).
   */
  public static fromParameter(parameter: ssm.IStringParameter): PeopleDirectory {
    return new ParameterDirectory(parameter);
  }

  /**
   * Makes the directory readable by `grantee` and says where it is.
   */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): PeopleDirectoryConfig;
}

class AssetDirectory extends PeopleDirectory {
  constructor(private readonly people: Person[]) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): PeopleDirectoryConfig {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-login-alerts-people-'));
    const file = path.join(dir, 'people.json');
    // Keys in one order whatever the language built the list (jsii hands Python's structs over in
    // another): the same people make the same asset, so the template does not change with the language.
    const people = this.people.map((person) => Object.fromEntries(
      Object.entries(person).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)),
    ));
    fs.writeFileSync(file, JSON.stringify({ people }));
    const asset = new s3assets.Asset(scope, 'PeopleDirectory', { path: file });
    grantGetObject(grantee, `arn:${Stack.of(scope).partition}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`);
    return { uri: `s3://${asset.s3BucketName}/${asset.s3ObjectKey}` };
  }
}

class S3Directory extends PeopleDirectory {
  constructor(private readonly bucket: s3.IBucket, private readonly objectKey: string) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): PeopleDirectoryConfig {
    grantGetObject(grantee, this.bucket.arnForObjects(this.objectKey));
    this.bucket.encryptionKey?.grantDecrypt(grantee);
    return { uri: `s3://${this.bucket.bucketName}/${this.objectKey}` };
  }
}

class ParameterDirectory extends PeopleDirectory {
  constructor(private readonly parameter: ssm.IStringParameter) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): PeopleDirectoryConfig {
    this.parameter.grantRead(grantee);
    return { uri: `ssm:${this.parameter.parameterName}` };
  }
}

/** s3:GetObject on exactly the directory's object (`grantRead` would add wildcard actions and a bucket-wide resource). */
function grantGetObject(grantee: iam.IGrantable, objectArn: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadPeopleDirectory', actions: ['s3:GetObject'], resources: [objectArn] }));
}

/** The checks the function makes when it reads the directory, made at synth instead of at 3 a.m. */
function validatePeople(people: Person[]): void {
  const owners = new Map<string, string>();
  people.forEach((person, index) => {
    if (!person.name || person.name.trim() === '') throw new Error(`people[${index}]: a person needs a name`);
    if (person.slackUserId !== undefined && !isSlackUserId(person.slackUserId)) {
      throw new Error(`people[${index}] (${person.name}).slackUserId ${JSON.stringify(person.slackUserId)} is not a Slack user id (U0123ABCD, or W… on Enterprise Grid)`);
    }
    for (const list of IDENTITY_LISTS) {
      for (const value of person[list] ?? []) {
        if (value === '') throw new Error(`people[${index}] (${person.name}).${list}: empty identity`);
        if (list === 'windowsAccounts' && !/^[^\\]+\\[^\\]+$/.test(value)) {
          throw new Error(`people[${index}] (${person.name}).windowsAccounts: ${JSON.stringify(value)} is not DOMAIN\\name (Windows logs the domain, or the computer for a local account)`);
        }
        const key = `${list}:${list === 'windowsAccounts' ? value.toLowerCase() : value}`;
        const other = owners.get(key);
        if (other !== undefined && other !== person.name) throw new Error(`people: ${list} ${JSON.stringify(value)} belongs to both ${other} and ${person.name}`);
        owners.set(key, person.name);
      }
    }
  });
}
