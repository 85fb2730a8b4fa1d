// Signing keys and their rotation (issue 23 item 7) over the real store on DynamoDB Local, with a
// clock the test moves: a new key joins the JWKS before it signs, the old one signs until then
// and stays published until its SETs have expired, and a receiver verifies across the rotation.
// The same for a key held in KMS (a fake KMS client over node:crypto keys).
import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SigningKeyDeps, SigningKeyStore } from '../../../lib/ssf/signing-keys.ts';
import { type FakeKms, fakeKms } from '../../helpers/fake-kms.ts';
import { useFreshTable } from '../../helpers/table.ts';

type Keys = typeof import('../../../lib/ssf/signing-keys.ts');
let keys: Keys;
let store: SigningKeyStore;
let heldKey: typeof import('../../../lib/ssf/held-keys.ts').heldKey;
let kmsKeyHolder: typeof import('../../../lib/store/ssf-kms.ts').kmsKeyHolder;
let newLocalKey: typeof import('../../../lib/ssf/keys.ts').newLocalKey;
beforeAll(async () => {
  await useFreshTable();
  keys = await import('../../../lib/ssf/signing-keys.ts');
  ({ heldKey } = await import('../../../lib/ssf/held-keys.ts'));
  ({ kmsKeyHolder } = await import('../../../lib/store/ssf-kms.ts'));
  ({ newLocalKey } = await import('../../../lib/ssf/keys.ts'));
  const { signingKeyStore } = await import('../../../lib/store/ssf-keys.ts');
  store = signingKeyStore;
});

const hour = 3_600_000;
const day = 86_400_000;
const start = Date.parse('2026-12-01T00:00:00Z');

function clock(at = start) {
  let now = at;
  return { now: () => new Date(now), move: (ms: number) => (now += ms) };
}

const claims = (n: number) => ({ iss: 'https://hub.example.com', jti: `set-${n}`, iat: 1, events: {} });

async function verified(set: string, published: { keys: JWK[] }) {
  const { payload, protectedHeader } = await jwtVerify(set, createLocalJWKSet(published), {
    algorithms: ['RS256'],
    typ: 'secevent+jwt',
  });
  return { jti: payload.jti, kid: protectedHeader.kid };
}

/** Each test starts with no key kept. */
async function clearKeys() {
  for (const key of await store.all()) await store.remove(key.generation);
}

function rotationCase(
  name: string,
  newKey: () => () => Promise<import('../../../lib/ssf/keys.ts').KeyMaterial>,
  holder?: () => SigningKeyDeps['holder'],
) {
  it(name, async () => {
    await clearKeys();
    const time = clock();
    const deps: SigningKeyDeps = {
      keys: store,
      newKey: newKey(),
      holder: holder?.(),
      activationMs: hour,
      now: time.now,
    };

    // First use: one key, signing at once.
    const before = await keys.jwks(deps);
    expect(before.keys).toHaveLength(1);
    const first = await keys.activeSigner(deps);
    const oldSet = await first.sign(claims(1));
    expect(await verified(oldSet, before)).toEqual({ jti: 'set-1', kid: first.kid });

    // Rotate: the next key is published now, the old one still signs.
    time.move(day);
    const rotation = await keys.rotateSigningKey(deps);
    expect(rotation.retiring.kid).toBe(first.kid);
    expect(rotation.next.signsFrom).toBe(new Date(start + day + hour).toISOString());
    const during = await keys.jwks(deps);
    expect(during.keys.map((key) => key.kid)).toEqual([first.kid, rotation.next.kid]);
    time.move(hour - 1);
    expect((await keys.activeSigner(deps)).kid).toBe(first.kid);
    const lastOld = await (await keys.activeSigner(deps)).sign(claims(2));
    await expect(keys.rotateSigningKey(deps)).rejects.toThrow(/already waits to sign/);

    // Its time come, the new key signs; a receiver that fetched the JWKS during the wait verifies both.
    time.move(1);
    const second = await keys.activeSigner(deps);
    expect(second.kid).toBe(rotation.next.kid);
    const newSet = await second.sign(claims(3));
    expect(await verified(lastOld, during)).toEqual({ jti: 'set-2', kid: first.kid });
    expect(await verified(newSet, during)).toEqual({ jti: 'set-3', kid: rotation.next.kid });
    // A receiver still holding the JWKS from before the rotation verifies what the old key signed.
    expect(await verified(lastOld, before)).toMatchObject({ kid: first.kid });

    // The old key stays until the SETs it signed have expired (retired + 7 days), then leaves.
    time.move(7 * day - 1);
    const lastDay = await keys.jwks(deps);
    expect(lastDay.keys.map((key) => key.kid)).toEqual([first.kid, second.kid]);
    expect(await verified(lastOld, lastDay)).toMatchObject({ kid: first.kid });
    time.move(1);
    const after = await keys.jwks(deps);
    expect(after.keys.map((key) => key.kid)).toEqual([second.kid]);
    await expect(verified(lastOld, after)).rejects.toThrow();
    expect(await verified(newSet, after)).toMatchObject({ kid: second.kid });

    // The next rotation deletes the dropped key's item.
    const third = await keys.rotateSigningKey(deps);
    expect(third.deleted).toEqual([first.kid]);
    expect((await store.all()).map((key) => key.kid)).toEqual([second.kid, third.next.kid]);
    expect((await keys.jwks(deps)).keys.map((key) => key.kid)).toEqual([second.kid, third.next.kid]);
  });
}

describe('local keys', () => {
  rotationCase('rotate: published first, signing after the delay, kept until its SETs expired', () => newLocalKey);

  it('keeps the private part in the table only: the JWKS has public members', async () => {
    await clearKeys();
    const deps: SigningKeyDeps = { keys: store, newKey: newLocalKey, activationMs: 0, now: () => new Date() };
    await keys.rotateSigningKey(deps).catch(() => undefined);
    const kept = await store.all();
    expect(kept.every((key) => key.pkcs8?.startsWith('-----BEGIN PRIVATE KEY-----'))).toBe(true);
    const text = JSON.stringify(await keys.jwks(deps));
    for (const key of kept) expect(text).not.toContain((key.pkcs8 ?? '').slice(60, 120));
    for (const member of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"']) expect(text).not.toContain(member);
  });

  it('makes one first key when two containers start at once', async () => {
    await clearKeys();
    const deps: SigningKeyDeps = { keys: store, newKey: newLocalKey, activationMs: hour, now: () => new Date() };
    const [a, b] = await Promise.all([keys.activeSigner(deps), keys.activeSigner(deps)]);
    expect(a.kid).toBe(b.kid);
    expect(await store.all()).toHaveLength(1);
  });
});

describe('keys held in KMS', () => {
  let kms: FakeKms;
  beforeAll(() => {
    kms = fakeKms();
  });

  rotationCase(
    'rotate from one KMS key to another, the same states',
    () => {
      const holder = kmsKeyHolder(kms.client);
      const first = kms.createKey();
      const second = kms.createKey();
      const third = kms.createKey();
      const queue = [first, second, third];
      return () => heldKey(holder, queue.shift() as string);
    },
    () => kmsKeyHolder(kms.client),
  );

  it('signs through KMS Sign over the SHA-256 of the JWS signing input; the JWKS key is KMS GetPublicKey', async () => {
    await clearKeys();
    const keyArn = kms.createKey();
    const holder = kmsKeyHolder(kms.client);
    const deps: SigningKeyDeps = {
      keys: store,
      newKey: () => heldKey(holder, keyArn),
      holder,
      activationMs: hour,
      now: () => new Date(),
    };
    kms.sent.length = 0;
    const signer = await keys.activeSigner(deps);
    const set = await signer.sign(claims(9));
    const published = await keys.jwks(deps);
    expect(await verified(set, published)).toEqual({ jti: 'set-9', kid: signer.kid });
    expect(decodeProtectedHeader(set)).toEqual({ alg: 'RS256', kid: signer.kid, typ: 'secevent+jwt' });
    // The kid is the JWK thumbprint of the key KMS holds; nothing private is in the table.
    const [kept] = await store.all();
    expect(kept).toMatchObject({ kid: signer.kid, kmsKeyId: keyArn });
    expect(kept?.pkcs8).toBeUndefined();
    expect(kms.sent.map((command) => command.name)).toEqual(['GetPublicKeyCommand', 'SignCommand']);
    expect(kms.sent[1]?.input).toMatchObject({
      KeyId: keyArn,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
  });

  it('refuses a rotation to the key already kept', async () => {
    await clearKeys();
    const keyArn = kms.createKey();
    const holder = kmsKeyHolder(kms.client);
    const deps: SigningKeyDeps = {
      keys: store,
      newKey: () => heldKey(holder, keyArn),
      holder,
      activationMs: hour,
      now: () => new Date(),
    };
    await keys.activeSigner(deps);
    await expect(keys.rotateSigningKey(deps)).rejects.toThrow(/already kept/);
  });
});
