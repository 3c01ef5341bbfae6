import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { atLeastOnce, countLogLines } from './alarms';
import { LEDGER_BATCH_KINDS, ledgerKeyPattern, ledgerPrefix } from '../contract/ledger-keys';
import { LEDGER_UNAVAILABLE_LOG } from '../contract/log-lines';

/**
 * The login ledger: one DynamoDB table the ingest function reads and writes in batches (item
 * shapes in `lambda/ingest/ledger/items.ts`). On-demand, encrypted with its own customer-managed
 * key (it holds who logged in where), point-in-time recovery, every item expiring by TTL
 * (`expiresAt`). Kept when the stack is deleted, like the other records of who logged in.
 */
export function createLoginLedger(scope: Construct): { table: dynamodb.Table; key: kms.Key } {
  const key = new kms.Key(scope, 'LedgerKey', { description: 'Encrypts the login ledger of cdk-login-alerts', enableKeyRotation: true });
  const table = new dynamodb.Table(scope, 'Ledger', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: 'expiresAt',
  });
  return { table, key };
}

/** The key prefixes the ingest function and the reconciler write in batches (src/contract/ledger-keys.ts). */
export const LEDGER_BATCH_WRITE_PREFIXES = LEDGER_BATCH_KINDS.map(ledgerPrefix);

/**
 * Batch reads and writes on the table, and the key operations they need; nothing else. Every
 * statement names the key prefixes it may touch (`dynamodb:LeadingKeys`): batch writes only the
 * items above, reads those and the conditional ones, never a `review#` item (a review's state is the
 * Slack app's). Conditional writes (repeat counters; the reconciler's claims and checkpoint) go
 * through TransactWriteItems, whose Put needs dynamodb:PutItem: granted only there, and only on
 * items whose keys start so.
 */
export function grantLedgerReadWrite(table: dynamodb.ITable, key: kms.IKey, grantee: iam.IGrantable, conditionalKeys = [ledgerKeyPattern('repeat')]): void {
  const batchKeys = LEDGER_BATCH_WRITE_PREFIXES.map((prefix) => `${prefix}*`);
  grantBatchRead(table, grantee, [...batchKeys, ...conditionalKeys.filter((k) => !batchKeys.includes(k))]);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LoginLedgerBatchWrite',
    actions: ['dynamodb:BatchWriteItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': batchKeys } },
  }));
  grantConditionalWrites(table, key, grantee, conditionalKeys);
}

/** Reads and conditional writes of the keys under `keys` only: all a function needs that keeps its own state there (the coverage run). */
export function grantLedgerState(table: dynamodb.ITable, key: kms.IKey, grantee: iam.IGrantable, keys: string[]): void {
  grantBatchRead(table, grantee, keys);
  grantConditionalWrites(table, key, grantee, keys);
}

function grantBatchRead(table: dynamodb.ITable, grantee: iam.IGrantable, keys: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LoginLedgerBatchRead',
    actions: ['dynamodb:BatchGetItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } },
  }));
}

function grantConditionalWrites(table: dynamodb.ITable, key: kms.IKey, grantee: iam.IGrantable, keys: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LoginLedgerConditionalWrites',
    actions: ['dynamodb:PutItem'],
    resources: [table.tableArn],
    conditions: {
      'ForAnyValue:StringEquals': { 'dynamodb:EnclosingOperation': ['TransactWriteItems'] },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys },
    },
  }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LoginLedgerKey',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resources: [key.keyArn],
  }));
}

/**
 * The Slack app functions' access: single-item reads and conditional writes of `review#` items
 * (where each message went and how its review stands; `lambda/slack-app/review-store.ts`), nothing else.
 */
export function grantReviewItems(table: dynamodb.ITable, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LoginLedgerReviewItems',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ledgerKeyPattern('review')] } },
  }));
  if (table.encryptionKey) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'LoginLedgerKeyForReviews',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [table.encryptionKey.keyArn],
    }));
  }
}

/**
 * Counts the ingest function's `login ledger unavailable` log lines (its alerts went out without
 * the ledger's links) and alarms on the first.
 */
export function ledgerUnavailableAlarm(scope: Construct, logGroup: logs.ILogGroup): cloudwatch.Alarm {
  const filter = countLogLines(scope, 'LedgerUnavailableMetric', logGroup, LEDGER_UNAVAILABLE_LOG, 'LedgerUnavailable');
  return filter.metric({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(scope, 'LedgerUnavailableAlarm', {
    alarmDescription: 'cdk-login-alerts: the login ledger could not be read or written. Alerts still go out, without links across deliveries (Instance Connect attribution), login history or repeat counts; check the table, its key and DynamoDB throttling.',
    ...atLeastOnce,
  });
}

/** What the ledger remembers, in the ingest function's terms (seconds, days), checked at synth. */
export function ledgerSettings(props: { readonly repeatWindow?: Duration; readonly historyPeriod?: Duration }): Record<string, string> {
  const window = props.repeatWindow?.toSeconds() ?? 600;
  const days = props.historyPeriod?.toDays({ integral: false }) ?? 90;
  if (!Number.isInteger(days)) throw new Error(`historyPeriod (history_period in Python) must be whole days: ${props.historyPeriod?.toHumanString()}`);
  return { REPEAT_WINDOW_SECONDS: String(window), HISTORY_DAYS: String(days) };
}
