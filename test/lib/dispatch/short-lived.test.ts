import { describe, expect, it } from 'vitest';
import { shortLived } from '../../../lib/dispatch/short-lived.ts';

function counting(fail = false) {
  const reads: string[] = [];
  const load = async (key: string) => {
    reads.push(key);
    if (fail) throw new Error('read failed');
    return `${key}:${reads.length}`;
  };
  return { reads, load };
}

describe('shortLived', () => {
  it('reuses a read for cacheMs, per key, then reads again', async () => {
    let clock = 0;
    const { reads, load } = counting();
    const get = shortLived(load, { cacheMs: 100, now: () => clock });
    expect(await get('a')).toBe('a:1');
    expect(await get('a')).toBe('a:1');
    expect(await get('b')).toBe('b:2');
    clock = 100;
    expect(await get('a')).toBe('a:3');
    expect(reads).toEqual(['a', 'b', 'a']);
  });

  it('keeps nothing with cacheMs 0', async () => {
    const { reads, load } = counting();
    const get = shortLived(load, { cacheMs: 0 });
    await get('a');
    await get('a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('does not keep a failed read', async () => {
    const { reads, load } = counting(true);
    const get = shortLived(load, { cacheMs: 60_000 });
    await expect(get('a')).rejects.toThrow('read failed');
    await expect(get('a')).rejects.toThrow('read failed');
    expect(reads).toEqual(['a', 'a']);
  });
});
