import { BlockList, isIP } from 'node:net';

/** A set of CIDR ranges, IPv4 and IPv6, answering "is this address inside?". */
export class NetworkSet {
  /** Parses `a.b.c.d/n` and `v6::/n` ranges; a bare address is a /32 or /128. Throws on the first bad one. */
  static parse(cidrs: readonly string[]): NetworkSet {
    const list = new BlockList();
    for (const cidr of cidrs) {
      const parsed = parseCidr(cidr);
      if (!parsed) throw new Error(`not a CIDR range: ${JSON.stringify(cidr)}`);
      list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    return new NetworkSet(list, cidrs.length);
  }

  private constructor(private readonly list: BlockList, readonly size: number) {}

  has(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefixText, ...rest] = cidr.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
