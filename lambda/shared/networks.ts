import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../../src/contract/cidr';

/** A set of CIDR ranges, IPv4 and IPv6, answering "is this address inside?". */
export class NetworkSet {
  /** Parses every range; throws on the first one that is not a CIDR range. */
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

/** A valid address, with IPv4-mapped IPv6 (`::ffff:203.0.113.7`) shown as the IPv4 it is. */
export function normaliseIp(address: string): string | undefined {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(address) ? address : undefined;
}
