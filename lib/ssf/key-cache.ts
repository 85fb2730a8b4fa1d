// The kept keys, read once per container for `cacheMs` (the JWKS and the signer share the read):
// a rotation is in every JWKS answer within that time, long before its key signs (key-states.ts).
// An empty read is not kept, so the first key is found at once after it is made.
import type { SigningKeyStore } from './signing-keys.ts';

export function cachedKeys(store: SigningKeyStore, options: { cacheMs: number; now?: () => number }): SigningKeyStore {
  const now = options.now ?? Date.now;
  let kept: { at: number; keys: ReturnType<SigningKeyStore['all']> } | undefined;
  const forget = () => {
    kept = undefined;
  };
  const forgetRead = (keys: ReturnType<SigningKeyStore['all']>) => () => {
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
