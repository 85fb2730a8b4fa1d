// The signing keys in use: the first key made at the first use, the signer of the active key,
// the JWKS, and rotation (a new key joins the JWKS `activationMs` before it signs; key-states.ts).
// A key is local (PKCS#8 in the table) or held in KMS (`holder`): the same states either way.
import type { JWK } from 'jose';
import { heldKeySigner, type KeyHolder } from './held-keys.ts';
import { activeKey, keyStates, publishedKeys } from './key-states.ts';
import { type KeyMaterial, publicJwk, type SetSigner, type SigningKeyRecord, signerOf } from './keys.ts';

/** What the keys need from the store (lib/store/ssf-keys.ts). */
export interface SigningKeyStore {
  /** Every key kept, oldest generation first. */
  all(): Promise<SigningKeyRecord[]>;
  /** Writes a key unless its generation is taken; false when another writer got there first. */
  add(key: SigningKeyRecord): Promise<boolean>;
  /** Deletes the key of a generation (one dropped from the JWKS). */
  remove(generation: number): Promise<void>;
}

export interface SigningKeyDeps {
  keys: SigningKeyStore;
  /** The key a first start or a rotation adds: a new local pair, or the configured KMS key's public part. */
  newKey(): Promise<KeyMaterial>;
  /** Signs with keys held in KMS; absent where none is configured. */
  holder?: KeyHolder;
  /** How long a rotation's key is published before it signs (SSF_KEY_ACTIVATION_MS). */
  activationMs: number;
  now(): Date;
}

/** Every key kept, oldest first; the first call ever makes one, which signs at once. */
async function keptKeys(deps: SigningKeyDeps): Promise<SigningKeyRecord[]> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const kept = await deps.keys.all();
    if (kept.length > 0) return kept;
    const created = deps.now().toISOString();
    const first: SigningKeyRecord = { ...(await deps.newKey()), generation: 1, created, signsFrom: created };
    if (await deps.keys.add(first)) return [first];
  }
  throw new Error('no signing key could be read or made');
}

/** The kept key that signs now. */
export async function activeSigningKey(deps: SigningKeyDeps): Promise<SigningKeyRecord> {
  const active = activeKey(await keptKeys(deps), deps.now());
  if (!active) throw new Error('no signing key has started signing');
  return active;
}

/** The signer of a kept key, local or held. */
export function signerFor(key: KeyMaterial, holder: KeyHolder | undefined): Promise<SetSigner> {
  if (key.kmsKeyId === undefined) return signerOf(key);
  if (!holder) return Promise.reject(new Error(`key ${key.kid} is held in KMS and no KMS client is configured`));
  return Promise.resolve(heldKeySigner(holder, { kid: key.kid, keyId: key.kmsKeyId }));
}

/** The key that signs now: the newest whose signsFrom has come. */
export async function activeSigner(deps: SigningKeyDeps): Promise<SetSigner> {
  return signerFor(await activeSigningKey(deps), deps.holder);
}

/** The JWKS: the public part of every key that is next, active or retired (a key joins before it signs, and stays after). */
export async function jwks(deps: SigningKeyDeps): Promise<{ keys: JWK[] }> {
  return { keys: publishedKeys(await keptKeys(deps), deps.now()).map(publicJwk) };
}

/** A rotation refused: a key is already waiting, or the new key is one already kept. */
export class RotationRefused extends Error {
  override readonly name = 'RotationRefused';
}

/** What a rotation did, in public facts only: kids, generation and times, never a key's private part. */
export interface Rotation {
  /** The key that joined the JWKS: it signs from `signsFrom`. */
  next: Pick<SigningKeyRecord, 'kid' | 'generation' | 'signsFrom'>;
  /** The key that signs until then, retired at that time. */
  retiring: Pick<SigningKeyRecord, 'kid'>;
  /** kids of keys already out of the JWKS, deleted now. */
  deleted: string[];
}

/** Rotates: adds the next key (published now, signing after `activationMs`) and deletes keys long dropped. */
export async function rotateSigningKey(deps: SigningKeyDeps): Promise<Rotation> {
  const kept = await keptKeys(deps);
  const now = deps.now();
  const states = keyStates(kept, now);
  const waiting = states.find((entry) => entry.state === 'next');
  if (waiting) throw new RotationRefused(`key ${waiting.key.kid} already waits to sign from ${waiting.key.signsFrom}`);
  const retiring = states.find((entry) => entry.state === 'active')?.key as SigningKeyRecord;
  const material = await deps.newKey();
  if (kept.some((key) => key.kid === material.kid))
    throw new RotationRefused(`key ${material.kid} is already kept: a rotation needs a new key`);
  const next: SigningKeyRecord = {
    ...material,
    generation: Math.max(...kept.map((key) => key.generation)) + 1,
    created: now.toISOString(),
    signsFrom: new Date(now.getTime() + deps.activationMs).toISOString(),
  };
  if (!(await deps.keys.add(next))) throw new RotationRefused('another rotation added a key at the same time');
  const dropped = states.filter((entry) => entry.state === 'dropped').map((entry) => entry.key);
  for (const key of dropped) await deps.keys.remove(key.generation);
  return {
    next: { kid: next.kid, generation: next.generation, signsFrom: next.signsFrom },
    retiring: { kid: retiring.kid },
    deleted: dropped.map((key) => key.kid),
  };
}
