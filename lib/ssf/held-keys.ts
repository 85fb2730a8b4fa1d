// Signing keys whose private part never leaves their holder (AWS KMS in the stack): the port the
// domain needs, the key's public part as a JWK, and SETs signed as compact JWS through it.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importSPKI } from 'jose';
import type { KeyMaterial } from './keys.ts';
import { type SetSigner, setAlgorithm, setType } from './set-signer.ts';

/** What holds a key (lib/store/ssf-kms.ts): RSA 2048, RSASSA-PKCS1-v1_5 with SHA-256. */
export interface KeyHolder {
  /** The public key as SubjectPublicKeyInfo, DER (KMS GetPublicKey). */
  publicKey(keyId: string): Promise<Uint8Array>;
  /** The signature of a SHA-256 digest (KMS Sign, MessageType DIGEST). */
  signDigest(keyId: string, digest: Uint8Array): Promise<Uint8Array>;
}

const pem = (der: Uint8Array) =>
  `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----`;

/** A held key's public part, read once when it joins: the JWK and its thumbprint as kid. */
export async function heldKey(holder: KeyHolder, keyId: string): Promise<KeyMaterial> {
  const publicKey = await importSPKI(pem(await holder.publicKey(keyId)), setAlgorithm, { extractable: true });
  const jwk = await exportJWK(publicKey);
  // The JWKS and every receiver expect RS256 with a 2048-bit modulus.
  if (jwk.kty !== 'RSA' || Buffer.from(jwk.n ?? '', 'base64url').length !== 256)
    throw new Error(`KMS key ${keyId} is not an RSA 2048 key`);
  return { kid: await calculateJwkThumbprint(jwk), jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e }, kmsKeyId: keyId };
}

const base64url = (bytes: string | Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Signs SETs with a held key: the JWS signing input is built and hashed here, only its digest is sent. */
export function heldKeySigner(holder: KeyHolder, key: { kid: string; keyId: string }): SetSigner {
  const header = base64url(JSON.stringify({ alg: setAlgorithm, kid: key.kid, typ: setType }));
  return {
    kid: key.kid,
    async sign(claims) {
      const input = `${header}.${base64url(JSON.stringify(claims))}`;
      const digest = createHash('sha256').update(input, 'ascii').digest();
      return `${input}.${base64url(await holder.signDigest(key.keyId, digest))}`;
    },
  };
}
