import { describe, expect, it } from 'vitest';
import type { Binding } from '../../../lib/bindings/binding.ts';
import { bindingSource, linkNames } from '../../../lib/dispatch/bindings-source.ts';
import { binding } from './fakes.ts';

function links(table: Record<string, Binding[]>) {
  const reads: string[] = [];
  return {
    reads,
    source: {
      async forEvent(position: 'pre' | 'post', name: string) {
        reads.push(`${position}#${name}`);
        if (name === 'broken') throw new Error('read failed');
        return table[`${position}#${name}`] ?? [];
      },
    },
  };
}

describe('binding source', () => {
  it('reads only the links of the event name (and custom_ for custom actions), merged in ordering then id order', async () => {
    expect(linkNames('login')).toEqual(['login']);
    expect(linkNames('custom_')).toEqual(['custom_']);
    expect(linkNames('custom_x')).toEqual(['custom_x', 'custom_']);
    const { reads, source } = links({
      'post#custom_x': [binding({ id: 4, ordering: 1 }), binding({ id: 9, ordering: 0 })],
      'post#custom_': [binding({ id: 2, ordering: 1 }), binding({ id: 9, ordering: 0 })],
    });
    const found = await bindingSource(source, { cacheMs: 0 }).forAction('post', 'custom_x');
    expect(found.map((b) => b.id)).toEqual([9, 2, 4]);
    expect(reads).toEqual(['post#custom_x', 'post#custom_']);
  });

  it('passes event names holding # through whole', async () => {
    const { reads, source } = links({ 'pre#custom_a#b': [binding({ id: 3 })] });
    const found = await bindingSource(source, { cacheMs: 1000 }).forAction('pre', 'custom_a#b');
    expect(found.map((b) => b.id)).toEqual([3]);
    expect(reads).toEqual(['pre#custom_a#b', 'pre#custom_']);
  });

  it('keeps what it read for cacheMs, per name and position', async () => {
    let now = 0;
    const { reads, source } = links({});
    const cached = bindingSource(source, { cacheMs: 1000, now: () => now });
    await cached.forAction('post', 'login');
    await cached.forAction('post', 'login');
    await cached.forAction('pre', 'login');
    now = 999;
    await cached.forAction('post', 'login');
    expect(reads).toEqual(['post#login', 'pre#login']);
    now = 1000;
    await cached.forAction('post', 'login');
    expect(reads).toEqual(['post#login', 'pre#login', 'post#login']);
  });

  it('does not remember a failed read', async () => {
    const { reads, source } = links({});
    const cached = bindingSource(source, { cacheMs: 60_000 });
    await expect(cached.forAction('post', 'broken')).rejects.toThrow('read failed');
    await expect(cached.forAction('post', 'broken')).rejects.toThrow('read failed');
    expect(reads).toEqual(['post#broken', 'post#broken']);
  });
});
