// The signing key in use and the JWKS. The first start makes the key and keeps it in the table;
// a container that loses that race uses the winner's.
import type { JWK } from 'jose';
import { newSigningKey, publicJwk, type SetSigner, type SigningKeyRecord, signerOf } from './keys.ts';

/** What the keys need from the store (lib/store/ssf-keys.ts). */
export interface SigningKeyStore {
  /** Every key kept, oldest first. */
  all(): Promise<SigningKeyRecord[]>;
  /** Writes the first key unless one exists; false when another writer got there first. */
  createFirst(key: SigningKeyRecord): Promise<boolean>;
}

export interface SigningKeyDeps {
  keys: SigningKeyStore;
  now(): Date;
}

/** Every key kept, oldest first; the first call ever makes one. */
async function keptKeys(deps: SigningKeyDeps): Promise<SigningKeyRecord[]> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const kept = await deps.keys.all();
    if (kept.length > 0) return kept;
    const made = await newSigningKey(deps.now());
    if (await deps.keys.createFirst(made)) return [made];
  }
  throw new Error('no signing key could be read or made');
}

/** The key that signs: the newest kept. */
export async function activeSigner(deps: SigningKeyDeps): Promise<SetSigner> {
  return signerOf((await keptKeys(deps)).at(-1) as SigningKeyRecord);
}

/** The JWKS: the public part of every key kept (a key joins before it signs, and stays after). */
export async function jwks(deps: SigningKeyDeps): Promise<{ keys: JWK[] }> {
  return { keys: (await keptKeys(deps)).map(publicJwk) };
}
