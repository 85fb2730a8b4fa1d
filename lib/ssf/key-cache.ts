// The kept keys, read once per container for `cacheMs` (the JWKS and the signer share the read):
// a rotation is in every JWKS answer within that time, long before its key signs (key-states.ts).
// An empty read is not kept, so the first key is found at once after it is made.
import type { SigningKeyRecord } from './keys.ts';

/** The key store's shape (the port is KeyStore in signing-keys.ts, a use case this rule may not import). */
interface KeyStore {
  all(): Promise<SigningKeyRecord[]>;
  add(key: SigningKeyRecord): Promise<boolean>;
  remove(generation: number): Promise<void>;
}

export function cachedKeys(store: KeyStore, options: { cacheMs: number; now?: () => number }): KeyStore {
  const now = options.now ?? Date.now;
  let kept: { at: number; keys: ReturnType<KeyStore['all']> } | undefined;
  const forget = () => {
    kept = undefined;
  };
  const forgetRead = (keys: ReturnType<KeyStore['all']>) => () => {
    if (kept?.keys === keys) forget();
  };
  return {
    all() {
      if (kept && now() - kept.at < options.cacheMs) return kept.keys;
      const keys = store.all();
      kept = { at: now(), keys };
      keys.then((read) => read.length === 0 && forgetRead(keys)(), forgetRead(keys));
      return keys;
    },
    async add(key) {
      forget();
      return store.add(key);
    },
    async remove(generation) {
      forget();
      await store.remove(generation);
    },
  };
}
