/**
 * The test login `cdk-login-alerts check --send-test-login` writes to a subscribed log group, so a
 * deployment can be proven end to end through the real path (CloudWatch Logs → subscription filter →
 * ingest → topic → destinations). The alert it makes keeps the default severity (a test marker must
 * never quiet a real login), and says first among its reasons that it is a test.
 */
export const TEST_LOGIN_USER = 'cdk-login-alerts-test';
export const TEST_LOGIN_HOST = 'cdk-login-alerts-check';
/** The log stream the line is written to (never an instance id: nothing is enriched). */
export const TEST_LOGIN_STREAM = 'cdk-login-alerts-check';
/** TEST-NET-1 (RFC 5737): never a real client. */
export const TEST_LOGIN_SOURCE_IP = '192.0.2.10';
export const TEST_LOGIN_REASON = 'test login written by `cdk-login-alerts check`: not a real login';

/** The sshd line, RFC3339-stamped, carrying `nonce` as its key fingerprint so the alert can be found. */
export function testLoginLine(time: Date, nonce: string): string {
  return `${time.toISOString()} ${TEST_LOGIN_HOST} sshd[4242]: Accepted publickey for ${TEST_LOGIN_USER} from ${TEST_LOGIN_SOURCE_IP} `
    + `port 4242 ssh2: ED25519 SHA256:${nonce}`;
}

export function isTestLogin(user: string | undefined, hostname: string | undefined, logStream: string): boolean {
  return user === TEST_LOGIN_USER && hostname === TEST_LOGIN_HOST && logStream === TEST_LOGIN_STREAM;
}
