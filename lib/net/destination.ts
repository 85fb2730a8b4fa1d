// Outbound destinations a handler may call. Every address a host name resolves to is checked,
// and the connection goes to exactly the checked addresses (no second lookup to rebind).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const refused = new BlockList();
for (const [network, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(network, bits, 'ipv4');
}
for (const [network, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local, incl. AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64
] as const) {
  refused.addSubnet(network, bits, 'ipv6');
}

/** IPv4 embedded in an IPv6 address (::ffff:a.b.c.d, ::a.b.c.d, NAT64 64:ff9b::/96), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1] as string;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Why an address may not be called (loopback, private, link-local, metadata, …), or null. */
export function refusedAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  if (v4 !== null && refused.check(v4, 'ipv4'))
    return `${address} is a loopback, private, link-local or reserved address`;
  if (family === 6 && refused.check(address, 'ipv6'))
    return `${address} is a loopback, private, link-local or reserved address`;
  return null;
}

export class DestinationRefused extends Error {}

export interface Resolved {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. */
export type HostLookup = (host: string) => Promise<Resolved[]>;

export const systemLookup: HostLookup = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family as 4 | 6,
  }));

/** Resolves `host` once and checks every address; throws DestinationRefused unless all may be called. */
export async function resolveDestination(
  host: string,
  allowPrivate: boolean,
  lookupHost: HostLookup = systemLookup,
): Promise<Resolved[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const addresses: Resolved[] =
    isIP(bare) !== 0 ? [{ address: bare, family: isIP(bare) as 4 | 6 }] : await lookupHost(bare);
  if (addresses.length === 0) throw new DestinationRefused(`${host} does not resolve`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const problem = refusedAddress(address);
      if (problem) throw new DestinationRefused(`destination ${host} refused: ${problem}`);
    }
  }
  return addresses;
}
