/**
 * The login ledger's keys, as both sides must agree on them: every partition key starts with its
 * item's kind and `#` (`push#<hash>`, `review#<hash>`, `reconcile#checkpoint`), and the functions'
 * IAM statements grant by that prefix (`dynamodb:LeadingKeys`). Item shapes: the functions' code
 * (lambda/ingest/ledger/items.ts;
 * lambda/slack-app/review-store.ts; lambda/reconcile/checkpoint.ts; lambda/host-coverage/state.ts).
 */
export type LedgerKind = 'push' | 'login' | 'source' | 'person' | 'place' | 'travel' | 'alert' | 'repeat' | 'review' | 'reconcile' | 'factor' | 'console' | 'coverage';

/**
 * What the ingest function and the reconciler write in batches (BatchWriteItem): links (`push`,
 * `login`), history (`source`, `person`, and where from: `place`, `travel`), what was published (`alert`), the factors an Identity
 * Center sign-in passed (`factor`) and console sessions a role switch comes from (`console`). A test writes through
 * the ledger step and checks every key it wrote has one of these kinds.
 */
export const LEDGER_BATCH_KINDS: readonly LedgerKind[] = ['push', 'login', 'source', 'person', 'place', 'travel', 'alert', 'factor', 'console'];

/** The start of every key of a kind: `push#`. */
export function ledgerPrefix(kind: LedgerKind): string {
  return `${kind}#`;
}

/** The `dynamodb:LeadingKeys` pattern of a kind: `push#*`. */
export function ledgerKeyPattern(kind: LedgerKind): string {
  return `${ledgerPrefix(kind)}*`;
}
