import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { TtlCache } from './ttl-cache';
import type { HostInfo } from '../../shared/alert';
import { errorText } from '../../shared/error-text';
import { type HostKey, hostKeyString } from '../parse/host-key';

/**
 * Finds the EC2 instances behind a batch of logins with as few DescribeInstances calls as possible:
 * one per kind of key (instance ids, private IPs) for everything not already cached. Hits and misses
 * are cached in module scope for a TTL, so a warm function makes no EC2 call for hosts it has seen.
 */

/** Runs one DescribeInstances (all pages) with the given filter. */
export type DescribeInstances = (filter: Filter) => Promise<Instance[]>;

/** Another account searched (through an assumed role) for instance ids this account does not have. */
export interface RemoteAccount {
  readonly account: string;
  readonly describe: DescribeInstances;
}

export interface HostLookup {
  readonly host?: HostInfo;
  readonly error?: string;
}

/** EC2 accepts up to 200 values in one filter. */
const MAX_FILTER_VALUES = 200;

export class HostEnricher {
  private readonly cache: TtlCache<Instance[]>;

  constructor(
    private readonly describe: DescribeInstances,
    ttlMs: number,
    now: () => number = Date.now,
    private readonly remoteAccounts: readonly RemoteAccount[] = [],
  ) {
    this.cache = new TtlCache(ttlMs, now);
  }

  /** Looks up every key; the result maps `hostKeyString(key)` to the host or the reason it is unknown. */
  async lookup(keys: readonly HostKey[]): Promise<Map<string, HostLookup>> {
    const ids = new Set<string>();
    const ips = new Set<string>();
    for (const key of keys) {
      if (this.cache.get(hostKeyString(key))) continue;
      if ('instanceId' in key) ids.add(key.instanceId); else ips.add(key.privateIp);
    }
    const errors = new Map<string, string>();
    await Promise.all([
      this.fetch('instance-id', [...ids], (i) => [i.InstanceId], (id) => id, errors),
      this.fetch('private-ip-address', [...ips], (i) => [i.PrivateIpAddress], (ip) => `ip:${ip}`, errors),
    ]);

    const result = new Map<string, HostLookup>();
    for (const key of keys) {
      const name = hostKeyString(key);
      const error = errors.get(name);
      if (error) { result.set(name, { error }); continue; }
      const instances = this.cache.get(name)?.value ?? [];
      if (instances.length === 1) result.set(name, { host: toHostInfo(instances[0]) });
      else if (instances.length === 0) result.set(name, { error: `no EC2 instance found for ${describeKey(key)}` });
      else result.set(name, { error: `${instances.length} EC2 instances match ${describeKey(key)}: not enriched` });
    }
    return result;
  }

  private async fetch(
    filterName: string,
    values: string[],
    keysOf: (instance: Instance) => Array<string | undefined>,
    cacheKey: (value: string) => string,
    errors: Map<string, string>,
  ): Promise<void> {
    if (values.length === 0) return;
    for (let start = 0; start < values.length; start += MAX_FILTER_VALUES) {
      const chunk = values.slice(start, start + MAX_FILTER_VALUES);
      let instances: Instance[];
      try {
        instances = await this.describe({ Name: filterName, Values: chunk });
      } catch (error) {
        // Not cached: the next batch tries again.
        const reason = `DescribeInstances failed: ${errorText(error)}`;
        for (const value of chunk) errors.set(cacheKey(value), reason);
        continue;
      }
      const found = new Map<string, Instance[]>(chunk.map((value) => [value, []]));
      const collect = (list: Instance[]) => {
        for (const instance of list) {
          for (const value of keysOf(instance)) if (value !== undefined) found.get(value)?.push(instance);
        }
      };
      collect(instances);
      // Instance ids are unique across accounts: look for the missing ones in the other accounts.
      // (Private IPs are not, so they are only looked up here.)
      if (filterName === 'instance-id') {
        for (const remote of this.remoteAccounts) {
          const missing = [...found].filter(([, matches]) => matches.length === 0).map(([value]) => value);
          if (missing.length === 0) break;
          try {
            collect((await remote.describe({ Name: filterName, Values: missing })).map((i) => ({ ...i, OwnerAccount: remote.account }) as Instance));
          } catch (error) {
            for (const value of missing) errors.set(cacheKey(value), `DescribeInstances in account ${remote.account} failed: ${errorText(error)}`);
          }
        }
      }
      // Misses are cached too: a login on an unknown host should not cost a call per line.
      for (const [value, matches] of found) this.cache.set(cacheKey(value), matches);
    }
  }

}

function toHostInfo(instance: Instance): HostInfo {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  const info: HostInfo = {
    instanceId: instance.InstanceId,
    privateIp: instance.PrivateIpAddress,
    privateDnsName: instance.PrivateDnsName || undefined,
    // An empty Name tag names nothing: fallbacks (hostname, instance id) apply.
    name: tags.Name?.trim() ? tags.Name : undefined,
    tags,
    availabilityZone: instance.Placement?.AvailabilityZone,
    instanceType: instance.InstanceType,
    vpcId: instance.VpcId,
    imageId: instance.ImageId,
    state: instance.State?.Name,
    account: (instance as { OwnerAccount?: string }).OwnerAccount,
  };
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined)) as HostInfo;
}

function describeKey(key: HostKey): string {
  return 'instanceId' in key ? `instance id ${key.instanceId}` : `private IP ${key.privateIp}`;
}
