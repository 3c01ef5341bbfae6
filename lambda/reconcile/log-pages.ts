import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Cursor, LogGroupSource, Page, Window } from './records';
import { reReadFilterPattern } from '../../src/contract/event-patterns';

/**
 * One page of a log group's window with FilterLogEvents and its subscription's pattern (for SSH and
 * Windows groups, the account-level policy's: both kinds of login, but Windows network failures,
 * which are not logins; for an EKS cluster's, the exec pattern), so the reconciler sees what the
 * real-time path should have seen. CloudWatch Logs may
 * answer a page with no events and a token (it searched part of the range): the caller keeps paging.
 * Throttling is retried with backoff by the client (`maxAttempts`); what is still throttled reaches
 * the caller, which keeps the cursor for the next run.
 */
export async function readLogPage(
  logs: { client: CloudWatchLogsClient; module: typeof import('@aws-sdk/client-cloudwatch-logs') },
  cursor: Cursor & { source: LogGroupSource }, window: Window, pageSize: number,
): Promise<Page> {
  const { logGroup } = cursor.source;
  const answer = await logs.client.send(new logs.module.FilterLogEventsCommand({
    logGroupName: logGroup,
    startTime: window.start,
    endTime: window.end,
    filterPattern: reReadFilterPattern(logGroup),
    limit: pageSize,
    ...(cursor.nextToken && { nextToken: cursor.nextToken }),
  }));
  const records = (answer.events ?? []).flatMap((event) => (event.eventId && typeof event.message === 'string'
    ? [{ kind: 'logs' as const, id: event.eventId, timestamp: event.timestamp ?? window.start, message: event.message, logGroup, logStream: event.logStreamName ?? '' }]
    : []));
  return { records, ...(answer.nextToken && { nextToken: answer.nextToken }) };
}

/** With `allLogGroups`: the account's log groups under the given prefixes, but the excluded ones. */
export async function logGroupsUnder(
  logs: { client: CloudWatchLogsClient; module: typeof import('@aws-sdk/client-cloudwatch-logs') },
  prefixes: readonly string[], excluded: readonly string[],
): Promise<string[]> {
  const names = new Set<string>();
  for (const prefix of prefixes) {
    for await (const page of logs.module.paginateDescribeLogGroups({ client: logs.client }, { logGroupNamePrefix: prefix })) {
      for (const group of page.logGroups ?? []) if (group.logGroupName && !excluded.includes(group.logGroupName)) names.add(group.logGroupName);
    }
  }
  return [...names];
}
