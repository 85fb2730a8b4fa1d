// The transmitter's signing keys: RSA 2048, RS256, named by their JWK thumbprint. The private part
// leaves this module only as the stored PKCS#8 text; nothing here logs or answers it.
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';

export const setAlgorithm = 'RS256';
export const setType = 'secevent+jwt';

/** A signing key as stored (lib/store/ssf-keys.ts). */
export interface SigningKeyRecord {
  kid: string;
  /** The public part, as the JWKS answers it. */
  jwk: JWK;
  /** The private part (PKCS#8, PEM): kept in the table, never answered or logged. */
  pkcs8: string;
  created: string;
}

/** The public JWK of a key: only the RSA public members, its kid, use and alg. */
export function publicJwk(record: Pick<SigningKeyRecord, 'kid' | 'jwk'>): JWK {
  const { kty, n, e } = record.jwk;
  return { kty, n, e, kid: record.kid, use: 'sig', alg: setAlgorithm };
}

export async function newSigningKey(now: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(setAlgorithm, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    pkcs8: await exportPKCS8(privateKey),
    created: now.toISOString(),
  };
}

/** Signs a SET's claims as a compact JWS. */
export interface SetSigner {
  readonly kid: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}

export async function signerOf(record: SigningKeyRecord): Promise<SetSigner> {
  const key = await importPKCS8(record.pkcs8, setAlgorithm);
  return {
    kid: record.kid,
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: setAlgorithm, kid: record.kid, typ: setType }).sign(key),
  };
}
