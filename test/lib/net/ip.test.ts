import { describe, expect, it } from 'vitest';
import { nonGlobalRange, parseNetwork } from '../../../lib/net/ip.ts';

function network(text: string) {
  const parsed = parseNetwork(text);
  expect(parsed, text).not.toBeNull();
  return parsed!;
}

describe('parseNetwork', () => {
  it('parses a single IPv4 address as a /32', () => {
    const single = network('192.0.2.7');
    expect(single.text).toBe('192.0.2.7');
    expect(single.contains('192.0.2.7')).toBe(true);
    expect(single.contains('192.0.2.8')).toBe(false);
    expect(single.contains('192.0.2.6')).toBe(false);
  });

  it('parses an IPv4 CIDR and checks containment at its edges', () => {
    const net = network('10.0.0.0/8');
    expect(net.contains('10.0.0.0')).toBe(true);
    expect(net.contains('10.255.255.255')).toBe(true);
    expect(net.contains('11.0.0.0')).toBe(false);
    expect(net.contains('9.255.255.255')).toBe(false);
    const small = network('192.0.2.128/25');
    expect(small.contains('192.0.2.128')).toBe(true);
    expect(small.contains('192.0.2.127')).toBe(false);
  });

  it('accepts the prefix bounds /0 and /32 for IPv4', () => {
    expect(network('0.0.0.0/0').contains('203.0.113.9')).toBe(true);
    const host = network('203.0.113.9/32');
    expect(host.contains('203.0.113.9')).toBe(true);
    expect(host.contains('203.0.113.10')).toBe(false);
  });

  it('parses a single IPv6 address, in any textual form', () => {
    const single = network('2001:db8::7');
    expect(single.contains('2001:db8::7')).toBe(true);
    expect(single.contains('2001:0db8:0000:0000:0000:0000:0000:0007')).toBe(true);
    expect(single.contains('2001:db8::8')).toBe(false);
    expect(network('::1').contains('0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('parses an IPv6 CIDR, with the prefix bounds /0 and /128', () => {
    const net = network('2001:db8::/32');
    expect(net.contains('2001:db8::1')).toBe(true);
    expect(net.contains('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(net.contains('2001:db9::1')).toBe(false);
    expect(network('::/0').contains('2001:db8::1')).toBe(true);
    const host = network('::1/128');
    expect(host.contains('::1')).toBe(true);
    expect(host.contains('::2')).toBe(false);
  });

  it('does not put an IPv6 address in an IPv4 network', () => {
    expect(network('10.0.0.0/8').contains('2001:db8::1')).toBe(false);
    expect(network('2001:db8::/32').contains('10.0.0.1')).toBe(false);
  });

  it('answers false for text that is not an address', () => {
    const net = network('10.0.0.0/8');
    expect(net.contains('not-an-ip')).toBe(false);
    expect(net.contains('')).toBe(false);
    expect(net.contains('10.0.0.0/8')).toBe(false);
  });

  it.each([
    '10.0.0.0/33',
    '::1/129',
    '1.2.3',
    '10.0.0.0/8/1',
    '10.0.0.300',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/x',
    '10.0.0.0/1000',
    '/8',
    '',
    'abc',
    'localhost',
    '2001:db8:::1',
    '2001:db8::/32/1',
  ])('refuses %j', (text) => {
    expect(parseNetwork(text)).toBeNull();
  });
});

describe('nonGlobalRange', () => {
  // ipaddr.js's own range names, and the ones lib/net/ip.ts adds.
  it.each([
    // IPv4: every IANA special-purpose block, documentation and benchmarking included.
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['172.16.0.1', 'private'],
    ['192.0.0.9', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.31.196.1', 'as112'],
    ['192.52.193.1', 'amt'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['192.175.48.1', 'as112'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6 special-purpose blocks.
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['100::1', 'discard'],
    ['100:0:0:1::1', 'dummyPrefix'],
    ['2001:2::1', 'benchmarking'],
    ['2001:3::1', 'amt'],
    ['2001:4:112::1', 'as112v6'],
    ['2001:10::1', 'deprecatedOrchid'],
    ['2001:20::1', 'orchid2'],
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['5f00::1', 'segmentRouting'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    // Outside 2000::/3 nothing is global unicast.
    ['4000::1', 'reserved'],
    ['e000::1', 'reserved'],
    // IPv4 inside IPv6: compatible and translated forms are refused whatever they carry.
    ['::7f00:1', 'ipv4Compatible'],
    ['::a00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['::ffff:0:8.8.8.8', 'rfc6145'],
    // Mapped, NAT64, 6to4 and Teredo count as the IPv4 address they carry.
    ['::ffff:127.0.0.1', 'ipv4Mapped embedding 127.0.0.1: loopback'],
    ['::ffff:a00:1', 'ipv4Mapped embedding 10.0.0.1: private'],
    ['64:ff9b::7f00:1', 'rfc6052 embedding 127.0.0.1: loopback'],
    ['64:ff9b::192.0.2.1', 'rfc6052 embedding 192.0.2.1: reserved'],
    ['64:ff9b:1::808:808', 'rfc6052'],
    ['2002:a00:1::1', '6to4 embedding 10.0.0.1: private'],
    ['2002:7f00:1::', '6to4 embedding 127.0.0.1: loopback'],
    ['2002:a9fe:a9fe::1', '6to4 embedding 169.254.169.254: linkLocal'],
    // Teredo: server 65.54.227.120, client 10.0.0.1 (stored inverted).
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'teredo embedding 10.0.0.1: private'],
    // Teredo: server 10.0.0.1, client 8.8.8.8.
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'teredo embedding 10.0.0.1: private'],
  ])('%s is not global unicast: %s', (address, range) => {
    expect(nonGlobalRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '198.20.0.1',
    '2606:4700::1111',
    '2a00:1450:4001:82a::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    // Teredo: server 65.54.227.120, client 8.8.8.8.
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('%s is global unicast', (address) => {
    expect(nonGlobalRange(address)).toBeNull();
  });

  it('throws on text that is not an IP address', () => {
    for (const text of ['example.com', '', '10.0.0.0/8', '0x7f.1', '2130706433', '1.2.3.04']) {
      expect(() => nonGlobalRange(text), text).toThrow(/is not an IP address/);
    }
  });
});
