import { describe, expect, it } from 'vitest';
import { parseNetwork } from '../../../lib/net/ip.ts';

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
