import type { STSClient } from '@aws-sdk/client-sts';

/**
 * Credentials of a role in another account, assumed on first use and reused until five minutes
 * before they expire (the SDK calls this provider before each request). The STS client is loaded
 * only when a role is first needed, so functions without enrichment roles never pay for it.
 */
export function assumedRoleCredentials(roleArn: string, sessionName: string) {
  let sts: STSClient | undefined;
  let cached: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
    sts ??= new module.STSClient({});
    const { Credentials } = await sts.send(new module.AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    cached = {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
    return cached;
  };
}
