// The transmitter's signing keys: RSA 2048, RS256, named by their JWK thumbprint. A key's private
// part is either here as the stored PKCS#8 text (a local key, made and signed with here) or never
// here (a KMS key: lib/ssf/held-keys.ts); nothing here logs or answers it.
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';
import { type SetSigner, setAlgorithm, setType } from './set-signer.ts';

export { type SetSigner, setAlgorithm, setType };

/** A key's public part and where its private part is: what a first start or a rotation adds. */
export interface KeyMaterial {
  kid: string;
  /** The public part, as the JWKS answers it. */
  jwk: JWK;
  /** A local key's private part (PKCS#8, PEM): kept in the table, never answered or logged. */
  pkcs8?: string;
  /** A KMS key's id or ARN: its private part never leaves KMS. */
  kmsKeyId?: string;
}

/** A signing key as stored (lib/store/ssf-keys.ts); its state follows from the times (key-states.ts). */
export interface SigningKeyRecord extends KeyMaterial {
  /** 1 for the first key, one more per rotation. */
  generation: number;
  /** When it joined the JWKS. */
  created: string;
  /** When it starts signing: `created` for the first key, later for a rotation's. */
  signsFrom: string;
}

/** The public JWK of a key: only the RSA public members, its kid, use and alg. */
export function publicJwk(record: Pick<KeyMaterial, 'kid' | 'jwk'>): JWK {
  const { kty, n, e } = record.jwk;
  return { kty, n, e, kid: record.kid, use: 'sig', alg: setAlgorithm };
}

/** A new local RSA 2048 key pair. */
export async function newLocalKey(): Promise<KeyMaterial> {
  const { publicKey, privateKey } = await generateKeyPair(setAlgorithm, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    kid: await calculateJwkThumbprint(jwk),
    jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    pkcs8: await exportPKCS8(privateKey),
  };
}

/** A new local key as a first key: it signs from the moment it is made. */
export async function newSigningKey(now: Date): Promise<SigningKeyRecord> {
  const created = now.toISOString();
  return { ...(await newLocalKey()), generation: 1, created, signsFrom: created };
}

/** The signer of a local key, with its PKCS#8. */
export async function signerOf(record: KeyMaterial): Promise<SetSigner> {
  if (record.pkcs8 === undefined) throw new Error(`key ${record.kid} has no private part here`);
  const key = await importPKCS8(record.pkcs8, setAlgorithm);
  return {
    kid: record.kid,
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: setAlgorithm, kid: record.kid, typ: setType }).sign(key),
  };
}
