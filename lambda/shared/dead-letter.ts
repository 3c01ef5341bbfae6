import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Puts what could never be delivered into the destination's dead-letter queue, with the reason,
 * so nothing is lost and an operator can replay it. (Lambda's on-failure destination writes to the
 * same queue for what failed every retry.)
 */
export interface DeadLetter {
  readonly destination: string;
  readonly reason: string;
  readonly statusCode?: number;
  readonly responseBody?: string;
  readonly alertId?: string;
  readonly record: unknown;
}

export async function sendToDeadLetterQueue(sqs: SQSClient, queueUrl: string, letter: DeadLetter): Promise<void> {
  const envelope = { source: 'cdk-login-alerts', deadLetteredAt: new Date().toISOString() };
  let body = JSON.stringify({ ...envelope, ...letter });
  // SQS caps a message at 256 KiB; the SNS record it carries can come close on its own.
  if (body.length > 250_000) {
    body = JSON.stringify({ ...envelope, ...letter, record: JSON.stringify(letter.record).slice(0, 200_000), recordTruncated: true });
  }
  await sqs.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: body,
    MessageAttributes: { destination: { DataType: 'String', StringValue: letter.destination } },
  }));
}
