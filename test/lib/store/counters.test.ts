import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../../../lib/handlers/counters.ts';
import { useFreshTable } from '../../helpers/table.ts';

let counters: CounterStore;
beforeAll(async () => {
  await useFreshTable();
  ({ counterStore: counters } = await import('../../../lib/store/counters.ts'));
});

const name = () => `c-${randomUUID()}`;

describe('counter store', () => {
  it('reads a missing counter as 0 and has no item for it', async () => {
    const counter = name();
    expect(await counters.value(counter)).toBe(0);
    expect(await counters.get(counter)).toBeNull();
  });

  it('increases, decreases and resets, answering the new value', async () => {
    const counter = name();
    expect(await counters.increase(counter)).toBe(1);
    expect(await counters.increase(counter)).toBe(2);
    expect(await counters.decrease(counter, false)).toBe(1);
    expect(await counters.value(counter)).toBe(1);
    expect(await counters.reset(counter)).toBe(0);
    const stored = await counters.get(counter);
    expect(stored).toMatchObject({ counter_name: counter, counter_value: 0 });
    expect(Date.parse(stored?.updated ?? '')).not.toBeNaN();
  });

  it('counts 50 concurrent increases exactly', async () => {
    const counter = name();
    const answers = await Promise.all(Array.from({ length: 50 }, () => counters.increase(counter)));
    expect(await counters.value(counter)).toBe(50);
    // Each update answered its own new value: 1 … 50, each once.
    expect([...answers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('clamps concurrent decreases at 0 without negatives allowed', async () => {
    const counter = name();
    await Promise.all(Array.from({ length: 5 }, () => counters.increase(counter)));
    const answers = await Promise.all(Array.from({ length: 30 }, () => counters.decrease(counter, false)));
    expect(await counters.value(counter)).toBe(0);
    expect(Math.min(...answers)).toBe(0);
    // Exactly five decreases found something to take away.
    expect([...answers].sort((a, b) => a - b).slice(-5)).toEqual([0, 1, 2, 3, 4]);
    expect(answers.filter((value) => value === 0)).toHaveLength(26);
  });

  it('keeps a counter at 0 under 50 concurrent decreases, existing or not', async () => {
    const existing = name();
    await counters.reset(existing);
    const missing = name();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => counters.decrease(i % 2 === 0 ? existing : missing, false)),
    );
    expect(answers.every((value) => value === 0)).toBe(true);
    expect(await counters.value(existing)).toBe(0);
    expect(await counters.get(missing)).toMatchObject({ counter_name: missing, counter_value: 0 });
  });

  it('creates a missing counter at 0 when decreased without negatives', async () => {
    const counter = name();
    expect(await counters.decrease(counter, false)).toBe(0);
    expect(await counters.get(counter)).toMatchObject({ counter_name: counter, counter_value: 0 });
  });

  it('goes below 0 when negatives are allowed, also concurrently', async () => {
    const counter = name();
    const answers = await Promise.all(Array.from({ length: 20 }, () => counters.decrease(counter, true)));
    expect(await counters.value(counter)).toBe(-20);
    expect(Math.min(...answers)).toBe(-20);
    // A clamped decrease then leaves a negative counter where it is.
    expect(await counters.decrease(counter, false)).toBe(-20);
  });

  it('lists every counter by name through the index', async () => {
    const prefix = `list-${randomUUID()}`;
    await counters.increase(`${prefix}-b`);
    await counters.increase(`${prefix}-a`);
    await counters.increase(`${prefix}-a`);
    const listed = (await counters.all()).filter((counter) => counter.counter_name.startsWith(prefix));
    expect(listed.map(({ counter_name, counter_value }) => [counter_name, counter_value])).toEqual([
      [`${prefix}-a`, 2],
      [`${prefix}-b`, 1],
    ]);
  });
});
