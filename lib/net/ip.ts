// IP addresses and networks (IPv4 and IPv6): networks on Node's own BlockList, the
// classification of an address by ipaddr.js's range tables.
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

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

// ---- Classification: is an address globally routable unicast? ----
// ipaddr.js holds the IANA special-purpose tables (its `range()`); what it lacks is added here.

// Parsed with the first classification, not at cold start: most functions never classify.
let ipv6Tables:
  | {
      extra: readonly (readonly [string, ipaddr.IPv6, number])[];
      globalUnicast: readonly [ipaddr.IPv6, number];
      nat64: readonly [ipaddr.IPv6, number];
    }
  | undefined;
const tables = () =>
  (ipv6Tables ??= {
    // Not in ipaddr.js 2.5's IPv6 table. IANA IPv6 Special-Purpose Address Registry
    // (https://www.iana.org/assignments/iana-ipv6-special-registry): 100:0:0:1::/64 (RFC 9780);
    // RFC 4291 §2.5.5.1: ::/96, the deprecated IPv4-compatible addresses.
    extra: [
      ['ipv4Compatible', ipaddr.IPv6.parse('::'), 96],
      ['dummyPrefix', ipaddr.IPv6.parse('100:0:0:1::'), 64],
    ],
    // IANA IPv6 Address Space registry (https://www.iana.org/assignments/ipv6-address-space):
    // only 2000::/3 is allocated as global unicast; the rest is reserved or special.
    globalUnicast: [ipaddr.IPv6.parse('2000::'), 3],
    // RFC 6052 well-known NAT64 prefix; its sibling 64:ff9b:1::/48 (RFC 8215) is for local use only.
    nat64: [ipaddr.IPv6.parse('64:ff9b::'), 96],
  });

const ipv4Of = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);

/** The IPv4 addresses an IPv6 address carries and that packets to it reach, by its range. */
function embeddedIpv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4[] | null {
  const [, p1 = 0, p2 = 0, p3 = 0, , , p6 = 0, p7 = 0] = address.parts;
  if (range === 'ipv4Mapped') return [ipv4Of(p6, p7)];
  if (range === 'rfc6052' && address.match(...tables().nat64)) return [ipv4Of(p6, p7)];
  if (range === '6to4') return [ipv4Of(p1, p2)];
  // Teredo (RFC 4380): the server in bits 32–63, the client's address inverted in the last 32.
  if (range === 'teredo') return [ipv4Of(p2, p3), ipv4Of(p6 ^ 0xffff, p7 ^ 0xffff)];
  return null;
}

/**
 * Why an IP address is not globally routable unicast (the name of its range, with the embedded
 * IPv4 address that decided it), or null when it is. IPv4-mapped, NAT64 (64:ff9b::/96), 6to4 and
 * Teredo addresses count as the IPv4 addresses they carry; other IPv4-in-IPv6 forms are refused.
 * Throws on text that is not an IP address.
 */
export function nonGlobalRange(text: string): string | null {
  const family = isIP(text);
  if (family === 0) throw new Error(`${text} is not an IP address`);
  if (family === 4) {
    const range = ipaddr.IPv4.parse(text).range();
    return range === 'unicast' ? null : range;
  }
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; the WHATWG URL parser (the one that read the
  // webhook's host) writes every IPv6 address in hex first. A zone id (%eth0) changes no range.
  const bare = text.split('%')[0] as string;
  const v6 = ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  const range = v6.range();
  const embedded = embeddedIpv4(v6, range);
  if (embedded) {
    for (const v4 of embedded) {
      const inner = v4.range();
      if (inner !== 'unicast') return `${range} embedding ${v4.toString()}: ${inner}`;
    }
    return null;
  }
  if (range !== 'unicast') return range;
  const extra = tables().extra.find(([, network, bits]) => v6.match(network, bits));
  if (extra) return extra[0];
  return v6.match(...tables().globalUnicast) ? null : 'reserved';
}
