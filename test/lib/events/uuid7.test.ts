import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuid7, uuid7Time } from '../../../lib/events/uuid7.ts';

const format = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuid7', () => {
  it('is a lower-case RFC 9562 version 7 UUID with the RFC variant', () => {
    for (let i = 0; i < 200; i++) expect(uuid7(Date.now())).toMatch(format);
  });

  it('carries its time in the first 48 bits', () => {
    const now = Date.parse('2025-03-04T05:06:07.089Z');
    const id = uuid7(now);
    expect(id.replaceAll('-', '').slice(0, 12)).toBe(now.toString(16).padStart(12, '0'));
    expect(uuid7Time(id)).toBe(now);
  });

  it.each([0, 1, Date.now(), 2 ** 48 - 1])('round-trips the time %d', (ms) => {
    expect(uuid7Time(uuid7(ms))).toBe(ms);
  });

  it('is random within one millisecond', () => {
    const ms = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => uuid7(ms)));
    expect(ids.size).toBe(1000);
  });

  it('sorts by time as text', () => {
    const times = [
      0,
      1,
      255,
      256,
      1_000_000,
      Date.parse('2024-12-31T23:59:59.999Z'),
      Date.parse('2025-01-01T00:00:00Z'),
    ];
    const ids = times.map((ms) => uuid7(ms));
    expect([...ids].reverse().sort()).toEqual(ids);
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true);
  });
});

describe('uuid7Time', () => {
  it('reads upper-case ids too', () => {
    const ms = Date.now();
    expect(uuid7Time(uuid7(ms).toUpperCase())).toBe(ms);
  });

  it.each([
    ['a version 4 UUID', randomUUID()],
    ['a malformed id', 'not-a-uuid'],
    ['an empty string', ''],
    ['a v7 id without dashes', uuid7(Date.now()).replaceAll('-', '')],
    ['a v7 id with a wrong variant', '01890a5d-ac96-774b-0cce-b302099a8057'],
    ['a v7 id with trailing text', `${uuid7(Date.now())}x`],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
  ])('is null for %s', (_name, id) => {
    expect(uuid7Time(id)).toBeNull();
  });
});
