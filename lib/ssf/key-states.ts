// A kept key's state, from the clock and the kept keys alone (no stored flag, so no job flips it
// and a container holding an older read still switches on time):
//   next     published in the JWKS, not signing yet (now < signsFrom)
//   active   signs: the newest key whose signsFrom has come
//   retired  an older key that has started, in the JWKS until every SET it signed has expired
//            (retired = its successor's signsFrom, plus setRetentionDays)
//   dropped  out of the JWKS; the next rotation deletes it
import type { SigningKeyRecord } from './keys.ts';
import { setRetentionDays } from './set-queue.ts';

export type KeyState = 'next' | 'active' | 'retired' | 'dropped';

export interface KeyInState {
  key: SigningKeyRecord;
  state: KeyState;
  /** When it stopped signing (retired and dropped keys). */
  retiredAt?: Date;
}

/** How long a retired key stays published: a SET's life in the poll queue and the push ledger. */
export const retiredKeyKeptMs = setRetentionDays * 86_400_000;

/** Every kept key with its state at `now`, oldest generation first. */
export function keyStates(keys: readonly SigningKeyRecord[], now: Date): KeyInState[] {
  const sorted = [...keys].sort((a, b) => a.generation - b.generation);
  const started = sorted.filter((key) => Date.parse(key.signsFrom) <= now.getTime());
  const active = started.at(-1);
  return sorted.map((key): KeyInState => {
    if (key === active) return { key, state: 'active' };
    const position = started.indexOf(key);
    if (position < 0) return { key, state: 'next' };
    const retiredAt = new Date((started[position + 1] as SigningKeyRecord).signsFrom);
    const dropped = now.getTime() >= retiredAt.getTime() + retiredKeyKeptMs;
    return { key, state: dropped ? 'dropped' : 'retired', retiredAt };
  });
}

/** The key that signs at `now`. */
export function activeKey(keys: readonly SigningKeyRecord[], now: Date): SigningKeyRecord | undefined {
  return keyStates(keys, now).find((entry) => entry.state === 'active')?.key;
}

/** The keys the JWKS publishes at `now`: next, active and retired, oldest first. */
export function publishedKeys(keys: readonly SigningKeyRecord[], now: Date): SigningKeyRecord[] {
  return keyStates(keys, now)
    .filter((entry) => entry.state !== 'dropped')
    .map((entry) => entry.key);
}
