import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsConfig } from './estate';
import type { Invocation } from './invoke-bundle';

/**
 * What Lambda's on-failure destination does for an asynchronous invocation that failed every retry:
 * it sends an invocation record to the queue (lambda/latest/dg/invocation-async-retain-records.html).
 * The test harness plays Lambda here, since the bundles run outside Lambda; the function's own
 * dead letters (permanent refusals) it writes itself, through the SDK.
 */
export async function sendOnFailureRecords(endpoint: string, queueUrl: string, events: unknown[], invocations: Invocation[]): Promise<number> {
  const sqs = new SQSClient(awsConfig(endpoint));
  let sent = 0;
  for (const [i, invocation] of invocations.entries()) {
    if (!invocation.error) continue;
    await sqs.send(new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: invocation.attempts },
        requestPayload: events[i],
        responseContext: { statusCode: 200, functionError: 'Unhandled' },
        responsePayload: { errorType: invocation.error.name, errorMessage: invocation.error.message },
      }),
    }));
    sent++;
  }
  return sent;
}
