import type { ContainerInfo, SessionInfo } from '../../shared/alert';
import { isObject, nonEmptyString as str } from '../../shared/values';

/**
 * ECS Exec's `ExecuteCommand` (ECS API reference): the request names `cluster` (ARN or short name,
 * optional: the default cluster), `task` (ARN or id), `container` (optional for one-container
 * tasks), `command` and `interactive`; the response repeats them as ARNs with the SSM `session` it
 * opened (`sessionId`, `streamUrl`, `tokenValue`). The token is a session credential: it is never
 * read, so it can never reach an alert or a log.
 */

export interface ContainerExec {
  readonly container: ContainerInfo;
  readonly session: SessionInfo;
  readonly problems: string[];
}

const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/(?:([A-Za-z0-9_-]{1,255})\/)?([A-Za-z0-9-]{1,64})$/;

export function readContainerExec(request: Record<string, unknown>, response: Record<string, unknown>): ContainerExec {
  const problems: string[] = [];
  const taskArn = str(response.taskArn) ?? (TASK_ARN.test(str(request.task) ?? '') ? str(request.task) : undefined);
  const fromArn = taskArn ? TASK_ARN.exec(taskArn) : undefined;
  const task = fromArn?.[2] ?? str(request.task)?.split('/').pop();
  // The cluster as a name: the response's ARN or the request's ARN or short name, else the task ARN's.
  const cluster = clusterName(str(response.clusterArn)) ?? clusterName(str(request.cluster)) ?? fromArn?.[1];
  const container = str(response.containerName) ?? str(request.container);
  if (!str(request.task) && !taskArn) problems.push('ExecuteCommand record without a task');
  const session = isObject(response.session) ? response.session : {};
  const interactive = typeof request.interactive === 'boolean' ? request.interactive
    : typeof response.interactive === 'boolean' ? response.interactive : undefined;
  return {
    container: {
      ...(cluster && { cluster }),
      ...(task && { task }),
      ...(taskArn && { taskArn }),
      ...(container && { container }),
      ...(str(response.containerArn) && { containerArn: str(response.containerArn) }),
      ...(str(request.command) && { command: str(request.command) }),
      ...(interactive !== undefined && { interactive }),
    },
    session: {
      ...(str(session.sessionId) && { id: str(session.sessionId) }),
    },
    problems,
  };
}

/** `arn:aws:ecs:<region>:<account>:cluster/<name>` or a bare name → the name. */
function clusterName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const arn = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9_-]{1,255})$/.exec(value);
  if (arn) return arn[1];
  return /^[A-Za-z0-9_-]{1,255}$/.test(value) ? value : undefined;
}
