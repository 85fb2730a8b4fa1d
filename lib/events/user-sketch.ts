// Distinct users (the analytics' unique_users): a user as authentik counts one, and a sketch of
// them, exact below a threshold and HyperLogLog above; the seal keeps one per day and month of a
// sketched partition (lib/store/user-sketches.ts).
import { createHash } from 'node:crypto';
import type { Event } from './event.ts';

/** A user as authentik counts one: `user.pk` as text (KeyTextTransform); none is not counted. */
export function userKey(event: Event): string | undefined {
  const pk = (event.user as Record<string, unknown>).pk;
  if (pk === undefined || pk === null) return undefined;
  return typeof pk === 'object' ? JSON.stringify(pk) : String(pk);
}

/** 64 bits of SHA-256 of the user key, as 16 hex digits. */
export const userHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Exact up to this many users; a sketch of ≤ 1 KB either way. */
export const exactUsersUpTo = 64;
const precision = 10;
const registerCount = 1 << precision;

/** Distinct users: a set of hashes, or HyperLogLog registers once it outgrows `exactUsersUpTo`. */
export class UserSketch {
  private constructor(
    private hashes: Set<string> | null,
    private registers: Uint8Array | null,
  ) {}

  static empty() {
    return new UserSketch(new Set(), null);
  }

  /** From its stored form: `u` concatenated hashes, or `h` the registers. */
  static decode(stored: { u?: unknown; h?: unknown }): UserSketch {
    if (stored.h instanceof Uint8Array && stored.h.length === registerCount)
      return new UserSketch(null, Uint8Array.from(stored.h));
    const text = typeof stored.u === 'string' ? stored.u : '';
    return new UserSketch(
      new Set(Array.from({ length: text.length / 16 }, (_, i) => text.slice(i * 16, i * 16 + 16))),
      null,
    );
  }

  encode(): { u: string } | { h: Uint8Array } {
    return this.registers ? { h: this.registers } : { u: [...(this.hashes ?? [])].sort().join('') };
  }

  add(hash: string) {
    if (this.hashes) {
      this.hashes.add(hash);
      if (this.hashes.size > exactUsersUpTo) this.toRegisters();
    } else this.set(hash);
  }

  merge(other: UserSketch) {
    if (other.hashes) for (const hash of other.hashes) this.add(hash);
    else {
      if (this.hashes) this.toRegisters();
      const mine = this.registers as Uint8Array;
      (other.registers as Uint8Array).forEach((rank, i) => {
        if (rank > (mine[i] as number)) mine[i] = rank;
      });
    }
    return this;
  }

  /** Exact while a set; else the HyperLogLog estimate (linear counting while small). */
  get count(): number {
    if (this.hashes) return this.hashes.size;
    const registers = this.registers as Uint8Array;
    let sum = 0;
    let zeros = 0;
    for (const rank of registers) {
      sum += 2 ** -rank;
      if (rank === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / registerCount);
    const raw = (alpha * registerCount * registerCount) / sum;
    return Math.round(raw <= 2.5 * registerCount && zeros > 0 ? registerCount * Math.log(registerCount / zeros) : raw);
  }

  get exact() {
    return this.hashes !== null;
  }

  private toRegisters() {
    const hashes = this.hashes ?? new Set<string>();
    this.hashes = null;
    this.registers = new Uint8Array(registerCount);
    for (const hash of hashes) this.set(hash);
  }

  private set(hash: string) {
    // First 10 bits pick the register, the next 54 give the rank (leading zeros + 1).
    const bits = BigInt(`0x${hash}`);
    const index = Number(bits >> 54n);
    let rest = bits & ((1n << 54n) - 1n);
    let rank = 1;
    for (let bit = 53n; bit >= 0n && !(rest & (1n << bit)); bit--) rank++;
    rest = 0n;
    const registers = this.registers as Uint8Array;
    if (rank > (registers[index] as number)) registers[index] = rank;
  }
}
