import { readIdentity, type Identity } from './cloudtrail-identity';
import type { PodInfo } from '../../shared/alert';
import { isObject, nonEmptyString as str } from '../../shared/values';

/**
 * `kubectl exec`, `attach` and `port-forward` from an EKS cluster's API server audit log (control
 * plane logging type `audit`: log group `/aws/eks/<cluster>/cluster`, streams
 * `kube-apiserver-audit-…`), one `audit.k8s.io/v1` Event per log event, read as JSON, never by
 * searching its text.
 *
 * Who writes what: the API server writes the event. `user.username`, `user.groups` and
 * `user.extra` (`arn`, `sessionName`, `principalId`, `accessKeyId`) come from EKS's authenticator,
 * which verified the caller's signed STS request: the ARN is AWS's; a role session's name is the
 * caller's choice, as in CloudTrail (people/attribution.ts applies the same trust rules). The
 * command, container and pod in `requestURI` are the caller's to write. The cluster is the log
 * group's name, which EKS chose.
 *
 * One alert per request: a long-running request is logged at RequestReceived, ResponseStarted (the
 * stream opened: 101 Switching Protocols) and ResponseComplete (it closed). ResponseStarted is the
 * way in; a request refused before it started (403) has only ResponseComplete, which is its alert.
 */

export const POD_SUBRESOURCES = ['exec', 'attach', 'portforward'] as const;
export type PodSubresource = (typeof POD_SUBRESOURCES)[number];

export interface KubernetesExec {
  readonly auditId?: string;
  readonly outcome: 'success' | 'failure';
  readonly time?: string;
  readonly pod: PodInfo;
  readonly code?: number;
  /** Who: an IAM principal (from `user.extra.arn`), or the Kubernetes user name for anyone else. */
  readonly identity?: Identity;
  readonly username: string;
  readonly serviceAccount?: string;
  readonly sourceIps: string[];
  readonly userAgent?: string;
  /** The authorizer's reason (`authorization.k8s.io/reason`), for a refused request. */
  readonly authorizationReason?: string;
  readonly problems: string[];
}

export type KubernetesAuditResult = { readonly login: KubernetesExec } | { readonly ignored: string };

const CLUSTER_LOG_GROUP = /^\/aws\/eks\/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/cluster$/;

/** The cluster an EKS control plane log group belongs to, or undefined for any other log group. */
export function eksClusterOf(logGroup: string): string | undefined {
  return CLUSTER_LOG_GROUP.exec(logGroup)?.[1];
}

/** The cluster's own components: their requests are the cluster at work, not a person's way in. */
const COMPONENT_USER = /^(?:system:(?:node:|kube-|apiserver|volume-scheduler|anonymous$)|eks:)/;

/** A login, why an audit event is not one, or undefined when the message is not an audit event. */
export function parseKubernetesAudit(message: string, logGroup: string): KubernetesAuditResult | undefined {
  const cluster = eksClusterOf(logGroup);
  if (!cluster || !message.trimStart().startsWith('{')) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isObject(event) || event.kind !== 'Event' || !String(event.apiVersion ?? '').startsWith('audit.k8s.io/')) return undefined;
  const ref = isObject(event.objectRef) ? event.objectRef : {};
  const subresource = str(ref.subresource);
  if (ref.resource !== 'pods' || !POD_SUBRESOURCES.includes(subresource as PodSubresource)) {
    return { ignored: `audit event for ${str(ref.resource) ?? 'no resource'}${subresource ? `/${subresource}` : ''} is not an exec, attach or port-forward` };
  }
  const status = isObject(event.responseStatus) ? event.responseStatus : {};
  const code = typeof status.code === 'number' ? status.code : undefined;
  const failed = code !== undefined && code >= 400;
  const stage = str(event.stage);
  if (!(stage === 'ResponseStarted' || (stage === 'ResponseComplete' && failed))) {
    return { ignored: `pods/${subresource} at stage ${stage ?? 'unknown'}${code !== undefined ? ` (${code})` : ''}: its ResponseStarted is the alert` };
  }
  const user = isObject(event.user) ? event.user : {};
  const username = str(user.username) ?? 'unknown';
  if (COMPONENT_USER.test(username)) return { ignored: `pods/${subresource} by ${username}, one of the cluster's own components` };

  const problems: string[] = [];
  const pod = podOf(cluster, ref, subresource as PodSubresource, str(event.requestURI), problems);
  const extra = isObject(user.extra) ? user.extra : {};
  const arn = first(extra.arn);
  const identity = arn ? identityOf(arn, first(extra.principalId), first(extra.accessKeyId)) : undefined;
  const serviceAccount = /^system:serviceaccount:([^:]+:[^:]+)$/.exec(username)?.[1];
  const annotations = isObject(event.annotations) ? event.annotations : {};
  const time = str(event.stageTimestamp) ?? str(event.requestReceivedTimestamp);
  return {
    login: {
      ...(str(event.auditID) && { auditId: str(event.auditID) }),
      outcome: failed ? 'failure' : 'success',
      ...(time && !Number.isNaN(Date.parse(time)) && { time: new Date(Date.parse(time)).toISOString() }),
      pod,
      ...(code !== undefined && { code }),
      ...(identity && { identity }),
      username,
      ...(serviceAccount && { serviceAccount }),
      sourceIps: Array.isArray(event.sourceIPs) ? event.sourceIPs.filter((ip): ip is string => typeof ip === 'string') : [],
      ...(str(event.userAgent) && { userAgent: str(event.userAgent) }),
      ...(failed && str(annotations['authorization.k8s.io/reason']) && { authorizationReason: str(annotations['authorization.k8s.io/reason']) }),
      problems,
    },
  };
}

function first(value: unknown): string | undefined {
  return Array.isArray(value) ? str(value[0]) : str(value);
}

/** The principal EKS verified, in CloudTrail's terms, so attribution treats it as it does every IAM principal. */
function identityOf(arn: string, principalId: string | undefined, accessKeyId: string | undefined): Identity | undefined {
  const type = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\//.test(arn) ? 'AssumedRole'
    : /^arn:aws[a-z-]*:iam::\d{12}:user\//.test(arn) ? 'IAMUser'
      : /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn) ? 'Root' : undefined;
  if (!type) return undefined;
  return readIdentity({ type, arn, ...(principalId && { principalId }), ...(accessKeyId && { accessKeyId }) });
}

/** The pod, container and command from the object reference and the request's query (the caller's words). */
function podOf(
  cluster: string, ref: Record<string, unknown>, subresource: PodSubresource, requestUri: string | undefined, problems: string[],
): PodInfo {
  let query = new URLSearchParams();
  if (requestUri) {
    try {
      query = new URL(requestUri, 'https://kubernetes.invalid').searchParams;
    } catch {
      problems.push('requestURI could not be read');
    }
  } else {
    problems.push('no requestURI: the command is not known');
  }
  const command = query.getAll('command');
  const stdin = query.get('stdin') === 'true' || query.get('stdin') === '1';
  const tty = query.get('tty') === 'true' || query.get('tty') === '1';
  const ports = query.getAll('ports').join(',');
  return {
    cluster,
    ...(str(ref.namespace) && { namespace: str(ref.namespace) }),
    ...(str(ref.name) && { pod: str(ref.name) }),
    ...(query.get('container') && { container: query.get('container')! }),
    subresource,
    ...(command.length > 0 && { command: command.join(' ') }),
    ...(subresource !== 'portforward' && { interactive: stdin && tty, stdin, tty }),
    ...(ports && { ports }),
  };
}
