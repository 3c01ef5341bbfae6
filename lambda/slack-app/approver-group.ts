import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import { callSlack } from './slack-api';
import type { RetryBudget } from '../shared/delivery';

const CACHE_MS = 5 * 60_000;

/**
 * The approver group's members (usergroups.users.list, scope `usergroups:read`), cached five
 * minutes per container. A failed read is logged and answers nobody (the presser is then treated
 * as someone else: they may still dispute), and is not cached.
 */
export function approverGroupReader(group: string | undefined, now: () => number = Date.now) {
  let cached: { users: string[]; until: number } | undefined;
  return async (slack: () => Promise<WebClient>, budget: RetryBudget, logger: Logger): Promise<string[]> => {
    if (!group) return [];
    if (cached && cached.until > now()) return cached.users;
    const client = await slack();
    const listed = await callSlack('usergroups.users.list', () => client.usergroups.users.list({ usergroup: group }), budget);
    if (!listed.ok) {
      logger.error('could not read the approver group', { group, reason: listed.failure.reason });
      return [];
    }
    cached = { users: listed.value.users ?? [], until: now() + CACHE_MS };
    return cached.users;
  };
}
