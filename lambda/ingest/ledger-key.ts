import { createHash } from 'node:crypto';
import { ledgerPrefix, type LedgerKind } from '../../src/contract/ledger-keys';

/**
 * A login ledger key: the item's kind as a readable prefix (`push#`, `source#`, … : what the
 * functions' IAM conditions on `dynamodb:LeadingKeys` name), then a hash of the parts. Parts come
 * from logs and events, whose text anyone may have shaped; hashed, a key is 40-odd bytes whatever
 * they hold (DynamoDB refuses keys over 2,048 bytes, and with one such item the whole batch).
 */
export function ledgerKey(kind: LedgerKind, ...parts: string[]): string {
  return `${ledgerPrefix(kind)}${createHash('sha256').update(parts.join('\u0000')).digest('base64url')}`;
}
