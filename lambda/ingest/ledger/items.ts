import { createHash } from 'node:crypto';
import { ledgerPrefix, type LedgerKind } from '../../../src/contract/ledger-keys';
import type { Actor, Severity } from '../../shared/alert';

/**
 * The login ledger's table: every item it holds and how its keys are made, in one place. Keys are
 * `pk` (the kind's readable prefix, then a hash: see `ledgerKey`) and `sk` (the kind); `expiresAt`
 * is the table's TTL attribute, in epoch seconds. Who writes what:
 *
 *   push#…    push       links.ts     who pushed which key to which instance, when (15 minutes)
 *   login#…   login      links.ts     an SSH login with that key on that instance, when (15 minutes)
 *   source#…  source     history.ts   when a person last logged in from a source (historyDays)
 *   person#…  person     history.ts   that the ledger has seen the person at all (historyDays)
 *   place#…   place      history.ts   when a person last logged in from a country or network (historyDays)
 *   travel#…  travel     history.ts   a person's latest located login, for impossible travel (a day)
 *   repeat#…  repeat     repeats.ts   the first of a run of the same login, and how many followed
 *   alert#…   alert      published.ts that a record's alert reached the topic (35 days)
 *   factor#…  factor     factors.ts   that a factor of an Identity Center sign-in passed (15 minutes)
 *   reconcile#checkpoint  checkpoint  lambda/reconcile: where reconciliation stands
 */

/**
 * A login ledger key: the item's kind as a readable prefix (`push#`, `source#`, … : what the
 * functions' IAM conditions on `dynamodb:LeadingKeys` name), then a hash of the parts. Parts come
 * from logs and events, whose text anyone may have shaped; hashed, a key is 40-odd bytes whatever
 * they hold (DynamoDB refuses keys over 2,048 bytes, and with one such item the whole batch).
 */
export function ledgerKey(kind: LedgerKind, ...parts: string[]): string {
  return `${ledgerPrefix(kind)}${createHash('sha256').update(parts.join('\u0000')).digest('base64url')}`;
}

/** Links live 15 minutes: an Instance Connect key lives 60 seconds; CloudTrail delivers within about 15. */
export const LINK_ITEM_TTL_SECONDS = 15 * 60;
/** Longer than any reconciliation window reaches back. */
export const PUBLISHED_ITEM_TTL_SECONDS = 35 * 24 * 60 * 60;

/** pk `push#<hash of host, fingerprint>`: `<host>` is the instance id when known, else the line's host key. */
export interface PushItem {
  readonly pk: string;
  readonly sk: 'push';
  readonly at: number;
  readonly alertId: string;
  readonly actor?: Actor;
  readonly requestId?: string;
  readonly osUser?: string;
  /** CloudTrail's record outranks the instance's line, which a root user on the instance could forge. */
  readonly source: 'instance' | 'cloudtrail';
  readonly expiresAt: number;
}

/** pk `login#<hash of host, fingerprint>`. */
export interface LoginItem {
  readonly pk: string;
  readonly sk: 'login';
  readonly at: number;
  readonly alertId: string;
  readonly user: string;
  readonly expiresAt: number;
}

/** pk `source#<hash of identity, source>`. */
export interface SourceItem {
  readonly pk: string;
  readonly sk: 'source';
  readonly lastSeen: number;
  readonly expiresAt: number;
}

/** pk `person#<hash of identity>`. */
export interface PersonItem {
  readonly pk: string;
  readonly sk: 'person';
  readonly lastSeen: number;
  readonly expiresAt: number;
}

/** pk `place#<hash of identity, "country" or "asn", the code or number>`: when a person last logged in from a country or network. */
export interface PlaceItem {
  readonly pk: string;
  readonly sk: 'place';
  readonly lastSeen: number;
  readonly expiresAt: number;
}

/** pk `travel#<hash of identity>`: the person's latest located login, which the next one is judged against (a day). */
export interface TravelItem {
  readonly pk: string;
  readonly sk: 'travel';
  readonly at: number;
  readonly country: string;
  readonly alertId: string;
  readonly expiresAt: number;
}

export type HistoryItem = SourceItem | PersonItem | PlaceItem | TravelItem;

/**
 * pk `repeat#<hash of identity, host or target, source, and what makes a login the same>`, written
 * with optimistic concurrency (a condition on the `version` read).
 */
export interface RepeatItem {
  readonly pk: string;
  readonly sk: 'repeat';
  readonly firstId: string;
  readonly firstAt: number;
  /** The first login's severity: a later login repeats it only at this severity or below. */
  readonly severity?: Severity;
  readonly windowEnd: number;
  readonly repeats: number;
  /** A run that a burst of failures started carries the failures before it: how many, since when. */
  readonly earlierFailures?: number;
  readonly earlierSince?: number;
  readonly version: number;
  readonly expiresAt: number;
}

/**
 * pk `alert#<hash of the record id>` (CloudWatch Logs event id or CloudTrail eventID): `published`
 * (by ingest or reconcile, at), or `recovering` while a reconciliation run that claimed it publishes
 * it (a claim is a conditional write on `version`, so two runs never both publish a record).
 */
export interface PublishedItem {
  readonly pk: string;
  readonly sk: 'alert';
  /** The record's own id, for whoever reads the table (the key is a hash of it). */
  readonly recordId: string;
  readonly state: 'published' | 'recovering';
  readonly by: 'ingest' | 'reconcile';
  readonly at: number;
  /** While `recovering`: when the claim lapses, so that a run that died does not hold it forever. */
  readonly leaseUntil?: number;
  readonly version: number;
  readonly expiresAt: number;
}

/** pk `reconcile#checkpoint` (lambda/reconcile/checkpoint.ts reads it). */
export interface CheckpointItem {
  readonly pk: string;
  readonly sk: 'checkpoint';
  readonly version: number;
  readonly expiresAt: number;
  /** The checkpoint's own content (JSON), opaque to the ingest function. */
  readonly state: string;
}

/**
 * pk `factor#<hash of the sign-in's AuthWorkflowID, the factor>`: one item per factor, so that the
 * steps of one sign-in, handled by separate invocations in any order, never overwrite each other;
 * the sign-in's UserAuthentication reads every factor's key of its workflow.
 */
export interface FactorItem {
  readonly pk: string;
  readonly sk: 'factor';
  readonly factor: string;
  readonly eventId: string;
  readonly at: number;
  readonly expiresAt: number;
}

/** Every item of the table. */
/** A console session (a sign-in or a role switch) under the principal ARN it acts as: what a later SwitchRole came from. */
export interface ConsoleItem {
  readonly pk: string;
  readonly sk: 'console';
  readonly at: number;
  readonly alertId: string;
  readonly expiresAt: number;
}

export type LedgerItem = PushItem | LoginItem | HistoryItem | RepeatItem | PublishedItem | CheckpointItem | FactorItem | ConsoleItem;

export interface LedgerKey {
  readonly pk: string;
  readonly sk: LedgerItem['sk'];
}

export function publishedKey(recordId: string): { pk: string; sk: 'alert' } {
  return { pk: ledgerKey('alert', recordId), sk: 'alert' };
}
