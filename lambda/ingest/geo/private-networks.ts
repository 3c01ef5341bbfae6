import { NetworkSet } from '../../shared/networks';

/**
 * Addresses that say nothing about a place and are never looked up: private (RFC 1918, unique
 * local), loopback, link-local, CGNAT (RFC 6598: a carrier's or a VPC's own shared space),
 * "this network" and unspecified. IPv4-mapped IPv6 forms are normalised to IPv4 before the test.
 */
export const PRIVATE_CIDRS = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10',
];

let parsed: NetworkSet | undefined;
/** Parsed on first use: node's first IPv6 check compiles its pattern, which a cold start need not pay for. */
export function isPrivateAddress(address: string): boolean {
  return (parsed ??= NetworkSet.parse(PRIVATE_CIDRS)).has(address);
}
