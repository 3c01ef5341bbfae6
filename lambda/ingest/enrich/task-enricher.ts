import type { Task } from '@aws-sdk/client-ecs';
import { TtlCache } from './ttl-cache';
import type { ContainerInfo } from '../../shared/alert';
import { errorText } from '../../shared/error-text';

/**
 * Finds the ECS task an `ExecuteCommand` ran in (DescribeTasks, with its tags) and adds what the
 * record does not say: the service it belongs to, its task definition, its launch type and tags.
 * The call is made in the task's region and, for a task in another account listed among the
 * enrichment accounts, with that account's role. Hits and misses are cached for a TTL, like hosts.
 */

/** Where a task lives, read from its ARN or the record. */
export interface TaskPlace {
  readonly region: string;
  readonly account?: string;
  readonly cluster: string;
}

/** Runs one DescribeTasks (`include: ['TAGS']`) in the task's region and account. */
export type DescribeTasks = (place: TaskPlace, tasks: string[]) => Promise<Task[]>;

export interface TaskLookup {
  readonly container?: ContainerInfo;
  readonly error?: string;
}

export class TaskEnricher {
  private readonly cache: TtlCache<Task | undefined>;

  constructor(private readonly describe: DescribeTasks, ttlMs: number, now: () => number = Date.now) {
    this.cache = new TtlCache(ttlMs, now);
  }

  /** The container with the task's details added, or the reason they could not be. */
  async lookup(container: ContainerInfo, region: string, account: string | undefined): Promise<TaskLookup> {
    const task = container.taskArn ?? container.task;
    if (!task) return { error: 'no task named: not enriched' };
    const place = placeOf(container, region, account);
    const key = `${place.account ?? ''}/${place.region}/${place.cluster}/${task}`;
    const cached = this.cache.get(key);
    let found = cached?.value;
    if (!cached) {
      try {
        [found] = await this.describe(place, [task]);
      } catch (error) {
        // Not cached: the next record tries again.
        return { error: `DescribeTasks failed: ${errorText(error)}` };
      }
      this.cache.set(key, found);
    }
    if (!found) return { error: `no ECS task ${task} in cluster ${place.cluster} (${place.region})` };
    return { container: { ...container, ...taskDetails(found) } };
  }
}

/** A task ARN names its region, account and (in the long format) cluster; otherwise the record's. */
function placeOf(container: ContainerInfo, region: string, account: string | undefined): TaskPlace {
  const arn = container.taskArn?.split(':');
  return {
    region: arn?.[3] || region,
    account: arn?.[4] || account,
    // ExecuteCommand without a cluster ran in the account's default cluster.
    cluster: container.cluster ?? 'default',
  };
}

function taskDetails(task: Task): ContainerInfo {
  // ECS sets a service's tasks' group to `service:<name>`; a task run by hand has `family:<name>` or its own.
  const group = task.group || undefined;
  const service = group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
  const definition = task.taskDefinitionArn?.split('/').pop();
  const tags: Record<string, string> = {};
  for (const tag of task.tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? '';
  return {
    ...(service && { service }),
    ...(group && { group }),
    ...(definition && { taskDefinition: definition }),
    ...(task.launchType && { launchType: task.launchType }),
    ...(task.taskArn && { taskArn: task.taskArn }),
    ...(Object.keys(tags).length > 0 && { tags }),
  };
}
