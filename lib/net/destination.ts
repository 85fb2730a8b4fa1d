// Outbound destinations a handler may call. Every address a host name resolves to is checked,
// and the connection goes to exactly the checked addresses (no second lookup to rebind).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonGlobalRange } from './ip.ts';

/** Why an address may not be called (it is not globally routable unicast), or null. */
export function refusedAddress(address: string): string | null {
  if (isIP(address) === 0) return `${address} is not an IP address`;
  const range = nonGlobalRange(address);
  return range === null ? null : `${address} is not a globally routable unicast address (${range})`;
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
      if (!problem) continue;
      // A name's addresses stay unsaid: a delivery's error would map internal names for whoever can save a binding.
      if (isIP(bare) === 0) {
        throw new DestinationRefused(
          `destination ${host} refused: it resolves to an address that is not globally routable`,
        );
      }
      throw new DestinationRefused(`destination ${host} refused: ${problem}`);
    }
  }
  return addresses;
}
