/** Writes a usage or input error and returns the exit code for it (2). */
export function fail(message: string): number {
  process.stderr.write(`cdk-login-alerts: ${message}\n`);
  return 2;
}
