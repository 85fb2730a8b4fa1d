import { describe, expect, it } from 'vitest';
import { DestinationRefused, refusedAddress, resolveDestination } from '../../../lib/net/destination.ts';

describe('refusedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.0.0.1',
    '100.64.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '192.0.0.170',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    'fec0::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::10.0.0.1',
    '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address)).toBe(`${address} is a loopback, private, link-local or reserved address`);
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
