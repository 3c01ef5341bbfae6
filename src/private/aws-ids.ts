/**
 * The shapes of AWS identifiers the construct and the ingest function check (no aws-cdk-lib here:
 * the function's bundle imports this file).
 */

/** A 12-digit AWS account id. */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}
