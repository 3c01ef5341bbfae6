/**
 * `s3://bucket/key` locations the ingest function reads text from (the people directory, a rule set
 * too large for the environment). The S3 client loads on the first read, not at every cold start.
 */
export function s3Location(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

export async function readS3Text(location: { bucket: string; key: string }): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { Body } = await new S3Client({}).send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  if (!Body) throw new Error('empty object');
  return Body.transformToString('utf8');
}
