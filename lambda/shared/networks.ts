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
