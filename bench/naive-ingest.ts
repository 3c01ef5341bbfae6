import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { parseSshLine } from '../lambda/ingest/parse/ssh-line';

/**
 * The classic SSH-login alerter, for comparison: for every log line, one DescribeTags for the
 * instance and one Publish. It is handed the instance id of each hostname for free (a real one
 * would also have to look it up), which flatters it.
 */
export async function naiveIngest(
  lines: string[],
  instanceIdOfHost: Map<string, string>,
  clients: { ec2: EC2Client; sns: SNSClient; topicArn: string },
): Promise<number> {
  let published = 0;
  for (const line of lines) {
    const login = parseSshLine(line);
    if (!login?.parsed) continue;
    const instanceId = login.hostname ? instanceIdOfHost.get(login.hostname) : undefined;
    const tags = instanceId
      ? (await clients.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [instanceId] }] }))).Tags ?? []
      : [];
    const name = tags.find((t) => t.Key === 'Name')?.Value ?? login.hostname;
    await clients.sns.send(new PublishCommand({
      TopicArn: clients.topicArn,
      Subject: `SSH login: ${login.user}@${name}`,
      Message: JSON.stringify({ user: login.user, host: name, sourceIp: login.sourceIp, line }),
    }));
    published++;
  }
  return published;
}
