/**
 * Which running instances the log sources can see: the judgement, pure (run.ts gathers its inputs
 * and acts on it). An instance is matched to the log streams of
 * the subscribed log groups as enrichment matches a log stream to an instance: the stream named
 * after its id (the CloudWatch agent's `{instance_id}`), else after its private DNS name, EC2
 * hostname (`ip-10-0-1-23`) or private IP. Then, per instance:
 *
 * - `exempt`: tagged `login-alerts:exempt` (the tag's value is the reason, and is shown);
 * - `too-new`: launched less than `minAge` ago: the agent has not shipped yet;
 * - `covered`: a stream of it had an event within `silentAfter`;
 * - `silent`: it has a stream, with nothing since (the agent stopped, or the log rotated away);
 * - `never-seen`: no stream at all (no agent, or an agent configuration without the auth log).
 */

export const EXEMPT_TAG = 'login-alerts:exempt';

export interface RunningInstance {
  readonly instanceId: string;
  readonly privateIp?: string;
  readonly privateDnsName?: string;
  /** ms since the epoch. */
  readonly launchTime?: number;
  readonly tags?: Record<string, string>;
  /** `windows` for Windows instances (DescribeInstances' Platform), else Linux/UNIX. */
  readonly platform?: string;
}

export interface LogStreamSeen {
  readonly logGroup: string;
  readonly logStreamName: string;
  /** The stream's last event (or ingestion) time, ms since the epoch. */
  readonly lastEventAt?: number;
}

export type HostCoverageStatus = 'covered' | 'silent' | 'never-seen' | 'exempt' | 'too-new';

export interface HostCoverage {
  readonly instanceId: string;
  /** Its Name tag. */
  readonly name?: string;
  readonly status: HostCoverageStatus;
  /** Why, and what to do, in a reader's words. */
  readonly reason: string;
  readonly lastEventAt?: number;
  readonly logGroup?: string;
  readonly logStreamName?: string;
}

export interface CoverageOptions {
  readonly nowMs: number;
  readonly silentAfterMs: number;
  readonly minAgeMs: number;
  /** Tags that exempt an instance (`coverage.exemptTags`): a key with its value, or with any value (undefined). */
  readonly exemptTags?: ReadonlyArray<readonly [string, string | undefined]>;
}

export function judgeHosts(instances: readonly RunningInstance[], streams: readonly LogStreamSeen[], options: CoverageOptions): HostCoverage[] {
  const byName = new Map<string, LogStreamSeen[]>();
  const add = (key: string, stream: LogStreamSeen) => byName.set(key, [...(byName.get(key) ?? []), stream]);
  for (const stream of streams) {
    const name = stream.logStreamName.toLowerCase();
    add(name, stream);
    const id = /\b(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)\b/.exec(name)?.[1];
    if (id && id !== name) add(id, stream);
  }
  return instances.map((instance) => judgeHost(instance, streamsOf(instance, byName), options));
}

function streamsOf(instance: RunningInstance, byName: ReadonlyMap<string, LogStreamSeen[]>): LogStreamSeen[] {
  const names = [instance.instanceId, instance.privateDnsName, instance.privateDnsName?.split('.')[0], instance.privateIp,
    instance.privateIp && `ip-${instance.privateIp.replace(/\./g, '-')}`];
  const found = new Set<LogStreamSeen>();
  for (const name of names) for (const stream of (name && byName.get(name.toLowerCase())) || []) found.add(stream);
  return [...found];
}

function judgeHost(instance: RunningInstance, streams: LogStreamSeen[], options: CoverageOptions): HostCoverage {
  const judged = judgeStatus(instance, streams, options);
  const name = instance.tags?.Name;
  return name ? { ...judged, name } : judged;
}

function judgeStatus(instance: RunningInstance, streams: LogStreamSeen[], options: CoverageOptions): HostCoverage {
  const { instanceId } = instance;
  const exempt = instance.tags?.[EXEMPT_TAG];
  if (exempt !== undefined) return { instanceId, status: 'exempt', reason: `tagged ${EXEMPT_TAG}${exempt ? `: ${exempt}` : ''}` };
  const tags = instance.tags ?? {};
  const rule = options.exemptTags?.find(([key, value]) => tags[key] !== undefined && (value === undefined || tags[key] === value));
  if (rule) return { instanceId, status: 'exempt', reason: `exempt by coverage.exemptTags: ${rule[0]}${rule[1] === undefined ? '' : `=${rule[1]}`}` };
  const latest = streams.reduce<LogStreamSeen | undefined>((best, s) => ((s.lastEventAt ?? -1) > (best?.lastEventAt ?? -1) ? s : best), undefined);
  const at = latest?.lastEventAt;
  const where = latest && { logGroup: latest.logGroup, logStreamName: latest.logStreamName };
  if (at !== undefined && options.nowMs - at <= options.silentAfterMs) {
    return { instanceId, status: 'covered', reason: `last event ${ago(options.nowMs - at)} ago`, lastEventAt: at, ...where };
  }
  if (instance.launchTime !== undefined && options.nowMs - instance.launchTime < options.minAgeMs) {
    return { instanceId, status: 'too-new', reason: `launched ${ago(options.nowMs - instance.launchTime)} ago: not shipping yet is expected` };
  }
  const log = instance.platform === 'windows' ? 'the Security event log (docs/WINDOWS.md)' : 'the auth log (/var/log/secure or /var/log/auth.log)';
  if (latest) {
    const since = at === undefined ? 'no event ever' : `nothing for ${ago(options.nowMs - at)}`;
    return { instanceId, status: 'silent', reason: `${since}: is the CloudWatch agent still running and shipping ${log}?`, ...(at !== undefined && { lastEventAt: at }), ...where };
  }
  return { instanceId, status: 'never-seen', reason: `no log stream: is the CloudWatch agent installed, with ${log} in its configuration?` };
}

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

/** What Systems Manager knows of an instance (DescribeInstanceInformation): it helps say why a host is dark. */
export interface ManagedInstance {
  /** `Online`, `ConnectionLost` or `Inactive`. */
  readonly pingStatus?: string;
  readonly platformName?: string;
  readonly platformVersion?: string;
}

/**
 * A dark host's reason, said better with what Systems Manager knows (never required: without it,
 * the reason stands as judged). Amazon Linux 2023 is named: it writes sshd's log to journald only.
 */
export function explainWithSystemsManager(host: HostCoverage, managed: ManagedInstance | undefined, asked: boolean): HostCoverage {
  if (!asked || (host.status !== 'silent' && host.status !== 'never-seen')) return host;
  if (!managed) return { ...host, reason: `${host.reason} (not managed by Systems Manager either: no agent may be running on it at all)` };
  const platform = [managed.platformName, managed.platformVersion].filter(Boolean).join(' ');
  if (/amazon linux/i.test(managed.platformName ?? '') && /^2023/.test(managed.platformVersion ?? '')) {
    return { ...host, reason: `${host.reason} Amazon Linux 2023 writes sshd's log to journald only: install rsyslog (or ship the journal) so /var/log/secure exists (docs/OPERATING.md, "Ship the instances' auth logs")` };
  }
  if (managed.pingStatus && managed.pingStatus !== 'Online') {
    return { ...host, reason: `${host.reason} (its Systems Manager agent is ${managed.pingStatus} too: the host may be hung or cut off)` };
  }
  return { ...host, reason: `${host.reason} (Systems Manager agent online${platform ? `, ${platform}` : ''}: install or configure the CloudWatch agent with Run Command, AWS-ConfigureAWSPackage)` };
}
