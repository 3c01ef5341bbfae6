/**
 * How to find the EC2 instance behind a log line: its id in the log stream name (the CloudWatch
 * agent's default stream name is `{instance_id}`), else the private IP spelled in an EC2 hostname.
 */
export type HostKey = { readonly instanceId: string } | { readonly privateIp: string };

const INSTANCE_ID = /\b(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)\b/;
/** `ip-10-0-1-23`, `ip-10-0-1-23.ec2.internal`, `ip-10-0-1-23.eu-west-1.compute.internal`. */
const EC2_HOSTNAME = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?:\.|$)/;

export function hostKeyFor(logStream: string, hostname: string | undefined): HostKey | undefined {
  const id = INSTANCE_ID.exec(logStream);
  if (id) return { instanceId: id[1] };
  const ip = hostname ? EC2_HOSTNAME.exec(hostname) : null;
  if (ip && ip.slice(1).every((octet) => Number(octet) <= 255)) return { privateIp: ip.slice(1).join('.') };
  return undefined;
}

/** A cache and map key: `i-0abc…` or `ip:10.0.1.23`. */
export function hostKeyString(key: HostKey): string {
  return 'instanceId' in key ? key.instanceId : `ip:${key.privateIp}`;
}
