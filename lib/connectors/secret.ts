// A connector's secret: 256 random bits, shown once; only its SHA-256 is kept, compared in
// constant time. The `iehc_` prefix tells it apart from an admin token in a log or a leak scan.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const prefix = 'iehc_';

export const newConnectorSecret = () => `${prefix}${randomBytes(32).toString('base64url')}`;

export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Does the presented secret hash to the stored one? */
export function secretMatches(presented: string, storedHash: string): boolean {
  const given = Buffer.from(secretHash(presented));
  const kept = Buffer.from(storedHash);
  return given.length === kept.length && timingSafeEqual(given, kept);
}

/**
 * The secret a request presents: `Authorization: Bearer <secret>`, or the raw secret as the
 * header's whole value (Okta and Auth0 send a configured header verbatim).
 */
export function presentedSecret(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const value = authorization.trim();
  const bearer = /^bearer\s+(\S+)$/i.exec(value);
  return bearer ? (bearer[1] as string) : value;
}
