/**
 * The shapes of AWS identifiers the construct and the ingest function check (no aws-cdk-lib here:
 * the function's bundle imports this file).
 */

/** A 12-digit AWS account id. */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/** An IAM role name (IAM's own character set, 1 to 64 characters), where `*` may stand for any run of characters. */
export function isRoleNamePattern(value: string): boolean {
  return /^[\w+=,.@*-]{1,64}$/.test(value) && /[^*]/.test(value);
}

/** An AWS region name (us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5). */
export function isRegionName(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region);
}
