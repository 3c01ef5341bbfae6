import { type SendMessage, sendSqsMessage } from './lazy-sqs';

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

/** SQS takes 256 KiB (262,144 bytes) of body and attributes; keep clear of it. */
export const MAX_DEAD_LETTER_BYTES = 250 * 1024;

export type Redact = (text: string) => string;

export async function sendToDeadLetterQueue(
  queueUrl: string,
  letter: DeadLetter,
  redact: Redact = (t) => t,
  send: SendMessage = sendSqsMessage,
): Promise<void> {
  await send({
    QueueUrl: queueUrl,
    MessageBody: deadLetterBody(letter, redact),
    MessageAttributes: { destination: { DataType: 'String', StringValue: letter.destination } },
  });
}

/**
 * The dead letter as JSON, at most MAX_DEAD_LETTER_BYTES in UTF-8. A record too large keeps its
 * first part as text (`record` becomes a string, `recordTruncated: true`); since that text is JSON
 * escaped again, the cut is measured on the finished body, not guessed from the record's length.
 */
export function deadLetterBody(letter: DeadLetter, redact: Redact = (t) => t): string {
  const envelope = {
    source: 'cdk-login-alerts',
    deadLetteredAt: new Date().toISOString(),
    ...letter,
    reason: redact(cutChars(letter.reason, 4000)),
    ...(letter.responseBody !== undefined && { responseBody: redact(cutChars(letter.responseBody, 4000)) }),
  };
  const whole = redact(JSON.stringify(envelope));
  if (Buffer.byteLength(whole) <= MAX_DEAD_LETTER_BYTES) return whole;
  const record = redact(JSON.stringify(letter.record) ?? '');
  let keep = record.length;
  for (;;) {
    keep = Math.floor(keep * 0.9 * (MAX_DEAD_LETTER_BYTES / Buffer.byteLength(body(keep))));
    const text = body(keep);
    if (Buffer.byteLength(text) <= MAX_DEAD_LETTER_BYTES) return text;
  }
  function body(chars: number): string {
    // Never cut a surrogate pair in half: a lone surrogate becomes an escape of its own.
    const end = chars > 0 && /[\ud800-\udbff]/.test(record.charAt(chars - 1)) ? chars - 1 : chars;
    return JSON.stringify({ ...envelope, record: record.slice(0, Math.max(0, end)), recordTruncated: true, recordChars: record.length });
  }
}

function cutChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
