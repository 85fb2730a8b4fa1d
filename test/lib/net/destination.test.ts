import { describe, expect, it } from 'vitest';
import { DestinationRefused, refusedAddress, resolveDestination } from '../../../lib/net/destination.ts';

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['192.0.0.170', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped embedding 127.0.0.1: loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped embedding 127.0.0.1: loopback'],
    ['::ffff:a9fe:a9fe', 'ipv4Mapped embedding 169.254.169.254: linkLocal'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['64:ff9b::10.0.0.1', 'rfc6052 embedding 10.0.0.1: private'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052 embedding 169.254.169.254: linkLocal'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedAddress(address)).toBe(`${address} is not a globally routable unicast address (${range})`);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows %s', (address) => {
    expect(refusedAddress(address)).toBeNull();
  });

  it('refuses what is not an IP address', () => {
    expect(refusedAddress('example.com')).toBe('example.com is not an IP address');
  });
});

describe('resolveDestination', () => {
  const lookup =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));

  it('takes an IP literal as is, brackets removed, without a lookup', async () => {
    const never = async () => {
      throw new Error('looked up');
    };
    expect(await resolveDestination('[2606:4700::1111]', false, never)).toEqual([
      { address: '2606:4700::1111', family: 6 },
    ]);
    expect(await resolveDestination('8.8.8.8', false, never)).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('refuses a name when any of its addresses is refused, unless private destinations are allowed', async () => {
    await expect(resolveDestination('hooks.example', false, lookup('8.8.8.8', '10.0.0.5'))).rejects.toThrow(
      DestinationRefused,
    );
    expect(await resolveDestination('hooks.example', true, lookup('8.8.8.8', '10.0.0.5'))).toHaveLength(2);
    expect(await resolveDestination('hooks.example', false, lookup('8.8.8.8'))).toEqual([
      { address: '8.8.8.8', family: 4 },
    ]);
  });

  it('refuses a name that resolves to nothing', async () => {
    await expect(resolveDestination('empty.example', true, lookup())).rejects.toThrow('empty.example does not resolve');
  });

  it('uses the system resolver by default (localhost is loopback)', async () => {
    await expect(resolveDestination('localhost', false)).rejects.toThrow(/destination localhost refused/);
    const found = await resolveDestination('localhost', true);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every(({ address }) => refusedAddress(address) !== null)).toBe(true);
  });
});
