// What signs a SET, whatever holds the key: the compact JWS's algorithm, type and key id.

export const setAlgorithm = 'RS256';
export const setType = 'secevent+jwt';

/** Signs a SET's claims as a compact JWS: header `{alg: RS256, kid, typ: secevent+jwt}`. */
export interface SetSigner {
  readonly kid: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}
