// The user sketch of the analytics routes (lib/events/user-sketch.ts): exact up to its threshold,
// a HyperLogLog above it within its documented error, and the same after encoding, decoding and
// merging.
import { describe, expect, it } from 'vitest';
import { exactUsersUpTo, UserSketch, userHash } from '../../../lib/events/user-sketch.ts';

const usersNamed = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => userHash(`${prefix}-${i}`));

describe('UserSketch', () => {
  it('counts exactly up to the threshold, duplicates once', () => {
    const sketch = UserSketch.empty();
    for (const hash of [...usersNamed('a', exactUsersUpTo), ...usersNamed('a', 10)]) sketch.add(hash);
    expect(sketch.exact).toBe(true);
    expect(sketch.count).toBe(exactUsersUpTo);
    expect(UserSketch.decode(sketch.encode()).count).toBe(exactUsersUpTo);
  });

  it('estimates within 3 standard errors (3 × 3.3 %) above it, at several sizes', () => {
    for (const n of [exactUsersUpTo + 1, 500, 5_000, 50_000]) {
      const sketch = UserSketch.empty();
      for (const hash of usersNamed(`n${n}`, n)) sketch.add(hash);
      expect(sketch.exact).toBe(false);
      expect(Math.abs(sketch.count - n) / n, `${n} users`).toBeLessThan(0.1);
      // Stored and read back: the registers survive as they are.
      expect(UserSketch.decode(sketch.encode()).count).toBe(sketch.count);
    }
  });

  it('merges as a union: overlapping users count once, exact sets and registers alike', () => {
    const left = UserSketch.empty();
    const right = UserSketch.empty();
    for (const hash of usersNamed('u', 3_000)) left.add(hash);
    for (const hash of usersNamed('u', 5_000).slice(2_000)) right.add(hash);
    const union = UserSketch.empty().merge(left).merge(right);
    expect(Math.abs(union.count - 5_000) / 5_000).toBeLessThan(0.1);
    const small = UserSketch.empty();
    for (const hash of usersNamed('u', 10)) small.add(hash);
    expect(UserSketch.empty().merge(small).merge(small).count).toBe(10);
    // A small exact set merged into registers changes nothing it already holds.
    expect(UserSketch.empty().merge(left).merge(small).count).toBe(left.count);
  });
});
