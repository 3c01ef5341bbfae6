import type { Task } from '@aws-sdk/client-ecs';
import { type TaskPlace, TaskEnricher } from '../../../lambda/ingest/enrich/task-enricher';

/** The task lookup with a recorded DescribeTasks and an injected clock: what is asked where, and what is reused. */

const ARN = 'arn:aws:ecs:us-east-2:444455556666:task/prod/d789e94343414c25b9f6bd59e0a1b2c3';
const TASK: Task = {
  taskArn: ARN,
  group: 'service:checkout',
  launchType: 'FARGATE',
  taskDefinitionArn: 'arn:aws:ecs:us-east-2:444455556666:task-definition/web:7',
  tags: [{ key: 'team', value: 'payments' }],
};

function recorder(answer: () => Promise<Task[]>) {
  const calls: Array<{ place: TaskPlace; tasks: string[] }> = [];
  return { calls, describe: async (place: TaskPlace, tasks: string[]) => { calls.push({ place, tasks }); return answer(); } };
}

test('asks in the region and account the task ARN names, and adds service, definition, launch type and tags', async () => {
  const { calls, describe } = recorder(async () => [TASK]);
  const found = await new TaskEnricher(describe, 60_000).lookup({ cluster: 'prod', taskArn: ARN, container: 'app' }, 'eu-west-1', '111122223333');
  expect(calls).toEqual([{ place: { region: 'us-east-2', account: '444455556666', cluster: 'prod' }, tasks: [ARN] }]);
  expect(found.container).toEqual({
    cluster: 'prod', taskArn: ARN, container: 'app', service: 'checkout', group: 'service:checkout', taskDefinition: 'web:7', launchType: 'FARGATE', tags: { team: 'payments' },
  });
});

test('a task id without an ARN is looked up in the record\'s region, in the default cluster when none is named', async () => {
  const { calls, describe } = recorder(async () => [{ ...TASK, group: 'family:web' }]);
  const found = await new TaskEnricher(describe, 60_000).lookup({ task: 'd789e94343414c25b9f6bd59e0a1b2c3' }, 'eu-west-1', '111122223333');
  expect(calls[0].place).toEqual({ region: 'eu-west-1', account: '111122223333', cluster: 'default' });
  // A task run by hand has no service: its group is still shown.
  expect(found.container).toMatchObject({ group: 'family:web' });
  expect(found.container?.service).toBeUndefined();
});

test('hits and misses are reused until the TTL passes; a failed call is not', async () => {
  let now = 0;
  let answer: () => Promise<Task[]> = async () => [];
  const { calls, describe } = recorder(() => answer());
  const enricher = new TaskEnricher(describe, 60_000, () => now);
  const container = { cluster: 'prod', taskArn: ARN };
  expect((await enricher.lookup(container, 'eu-west-1', undefined)).error).toBe(`no ECS task ${ARN} in cluster prod (us-east-2)`);
  expect((await enricher.lookup(container, 'eu-west-1', undefined)).error).toMatch(/^no ECS task/);
  expect(calls).toHaveLength(1);
  now = 60_000;
  answer = async () => { throw new Error('AccessDeniedException: not authorized to perform ecs:DescribeTasks'); };
  expect((await enricher.lookup(container, 'eu-west-1', undefined)).error).toBe('DescribeTasks failed: AccessDeniedException: not authorized to perform ecs:DescribeTasks');
  answer = async () => [TASK];
  expect((await enricher.lookup(container, 'eu-west-1', undefined)).container?.service).toBe('checkout');
  expect(calls).toHaveLength(3);
});

test('a record that names no task is not looked up', async () => {
  const { calls, describe } = recorder(async () => [TASK]);
  expect(await new TaskEnricher(describe, 60_000).lookup({ cluster: 'prod' }, 'eu-west-1', undefined)).toEqual({ error: 'no task named: not enriched' });
  expect(calls).toHaveLength(0);
});
