// IP addresses and networks (IPv4 and IPv6), on Node's own BlockList.
import { BlockList, isIP } from 'node:net';

export interface Network {
  readonly text: string;
  contains(ip: string): boolean;
}

/** An IP address or a CIDR network, or null when the text is neither. */
export function parseNetwork(text: string): Network | null {
  const [address, prefix, ...rest] = text.trim().split('/');
  if (address === undefined || rest.length > 0) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (bits < 0 || bits > (family === 4 ? 32 : 128)) return null;
  const list = new BlockList();
  list.addSubnet(address, bits, type);
  return {
    text,
    contains: (ip) => {
      const ipFamily = isIP(ip);
      return ipFamily !== 0 && list.check(ip, ipFamily === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
