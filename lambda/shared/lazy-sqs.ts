import type { SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The SQS client, loaded on the first dead letter. A destination needs SQS only when a message
 * cannot be delivered, which is rare, so its cold start does not pay for loading the client
 * (about 30 ms here; docs/BENCHMARKS.md). It honours AWS_ENDPOINT_URL like every SDK v3 client.
 */
let sqsModule: typeof import('@aws-sdk/client-sqs') | undefined;
let client: SQSClient | undefined;

export type SendMessage = (input: SendMessageCommandInput) => Promise<void>;

export const sendSqsMessage: SendMessage = async (input) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sqsModule ??= require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
  client ??= new sqsModule.SQSClient({});
  await client.send(new sqsModule.SendMessageCommand(input));
};
