import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerItem, LedgerKey } from './items';

/**
 * The login ledger's DynamoDB table, read and written in batches (BatchGetItem of up to 100 keys,
 * BatchWriteItem of up to 25 items), never one call per line. Unprocessed keys and items (DynamoDB's
 * answer under throttling) are retried a few times; what is still unread is an error the caller
 * turns into alerts without the ledger's links, never into a lost alert.
 */
export interface Ledger {
  get(keys: readonly LedgerKey[]): Promise<Map<string, LedgerItem>>;
  put(items: readonly LedgerItem[]): Promise<void>;
  /**
   * Writes each item only if it is as it was read (absent, or at `expectedVersion`), in transactions
   * of up to 100. Returns the keys to read again: a transaction with one stale item writes none.
   */
  putIfUnchanged(writes: readonly ConditionalWrite[]): Promise<string[]>;
}

/** A write that must find the item as it was read: absent (`expectedVersion` undefined) or at that version. */
export interface ConditionalWrite {
  readonly item: Extract<LedgerItem, { version: number }>;
  readonly expectedVersion?: number;
}

const MAX_GET = 100;
const MAX_WRITE = 25;
const MAX_TRANSACT = 100;
const ATTEMPTS = 4;

// The DynamoDB client is loaded on the first delivery that needs the ledger, not at every cold start.
let libModule: typeof import('@aws-sdk/lib-dynamodb') | undefined;
let dynamoModule: typeof import('@aws-sdk/client-dynamodb') | undefined;

export function dynamoLedger(tableName: string, sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))): Ledger {
  let client: DynamoDBDocumentClient | undefined;
  const lib = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    libModule ??= require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dynamoModule ??= require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
    client ??= libModule.DynamoDBDocumentClient.from(new dynamoModule.DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    return { module: libModule, client };
  };

  return {
    async get(keys) {
      const found = new Map<string, LedgerItem>();
      const { module, client: db } = lib();
      for (let i = 0; i < keys.length; i += MAX_GET) {
        let pending: Array<Record<string, unknown>> = keys.slice(i, i + MAX_GET).map((k) => ({ pk: k.pk, sk: k.sk }));
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${ATTEMPTS} attempts`);
          const result = await db.send(new module.BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
          for (const item of result.Responses?.[tableName] ?? []) found.set(item.pk as string, item as LedgerItem);
          pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
          if (pending.length > 0) await sleep(50 * 2 ** attempt);
        }
      }
      return found;
    },
    async put(items) {
      const { module, client: db } = lib();
      const refused: string[] = [];
      /** One BatchWriteItem, retried while DynamoDB leaves items unprocessed. */
      const write = async (batch: readonly LedgerItem[]) => {
        let pending = batch.map((item) => ({ PutRequest: { Item: { ...item } } }));
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${ATTEMPTS} attempts`);
          const result = await db.send(new module.BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
          if (pending.length > 0) await sleep(50 * 2 ** attempt);
        }
      };
      /**
       * DynamoDB refuses a whole batch for one item it cannot store (ValidationException): halve the
       * batch until that item stands alone, so it alone is lost and every other item is written.
       */
      const writeIsolating = async (batch: readonly LedgerItem[]): Promise<void> => {
        try {
          await write(batch);
        } catch (error) {
          if ((error as Error).name !== 'ValidationException') throw error;
          if (batch.length === 1) {
            refused.push(`${batch[0].pk}: ${(error as Error).message}`);
            return;
          }
          const half = Math.ceil(batch.length / 2);
          await writeIsolating(batch.slice(0, half));
          await writeIsolating(batch.slice(half));
        }
      };
      for (let i = 0; i < items.length; i += MAX_WRITE) await writeIsolating(items.slice(i, i + MAX_WRITE));
      if (refused.length > 0) throw new Error(`DynamoDB refused ${refused.length} of ${items.length} items (the rest were written): ${refused.join('; ')}`);
    },
    async putIfUnchanged(writes) {
      const { module, client: db } = lib();
      const stale: string[] = [];
      for (let i = 0; i < writes.length; i += MAX_TRANSACT) {
        const chunk = writes.slice(i, i + MAX_TRANSACT);
        try {
          await db.send(new module.TransactWriteCommand({
            TransactItems: chunk.map(({ item, expectedVersion }) => ({
              Put: {
                TableName: tableName,
                Item: { ...item },
                ...(expectedVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': expectedVersion } }),
              },
            })),
          }));
        } catch (error) {
          // Another invocation counted first (a condition failed) or it ran into one: none of the
          // chunk was written; the caller reads those keys again and recounts.
          if ((error as Error).name !== 'TransactionCanceledException' && (error as Error).name !== 'TransactionConflictException') throw error;
          stale.push(...chunk.map((w) => w.item.pk));
        }
      }
      return stale;
    },
  };
}
