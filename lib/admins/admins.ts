// Admins and their credentials. Tokens carry 256 random bits, are shown once and stored only
// as a SHA-256 hash (a fast hash suffices for high-entropy secrets).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type PolicyAction, policyActions } from './policy-actions.ts';

export interface Admin {
  name: string;
  actions: PolicyAction[];
}

/** An admin as stored: the token only as its hash. */
export interface AdminRecord {
  name: string;
  actions: string[];
  tokenHash: string;
  created: string;
}

/** What admins need from the store (lib/store/admins.ts). */
export interface AdminStore {
  byTokenHash(tokenHash: string): Promise<AdminRecord | null>;
  byName(name: string): Promise<AdminRecord | null>;
  all(): Promise<AdminRecord[]>;
  /** Writes a new admin; the caller checks the name is free (names are unique by convention of the CLI). */
  put(admin: AdminRecord): Promise<void>;
  remove(tokenHash: string): Promise<void>;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const newToken = () => `ieh_${randomBytes(32).toString('base64url')}`;

const adminName = /^[A-Za-z0-9_.@-]{1,64}$/;

export function parseActions(text: string): PolicyAction[] {
  const actions = text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = actions.filter((a) => !(policyActions as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown policy action(s): ${unknown.join(', ')}; known: ${policyActions.join(', ')}`);
  return [...new Set(actions)] as PolicyAction[];
}

/** Creates an admin and returns its token (the only time it exists in clear). */
export async function createAdmin(store: AdminStore, name: string, actions: PolicyAction[], token = newToken()) {
  if (!adminName.test(name)) throw new Error('admin name: 1-64 letters, digits or _ . @ -');
  if (token.length < 32) throw new Error('an admin token must be at least 32 characters');
  if (await store.byName(name)) throw new Error(`admin ${name} exists already`);
  await store.put({ name, actions, tokenHash: hashToken(token), created: new Date().toISOString() });
  return token;
}

export async function revokeAdmin(store: AdminStore, name: string): Promise<boolean> {
  const admin = await store.byName(name);
  if (!admin) return false;
  await store.remove(admin.tokenHash);
  return true;
}

/** A credential as sent: a token, and for Basic also the admin's name. */
export interface Credential {
  token: string;
  name?: string;
}

/** The four accepted forms: Bearer, bare Authorization, PI-Authorization, Basic name:token. */
export function credentialFrom(headers: Record<string, string | undefined>): Credential | null {
  const authorization = headers.authorization?.trim();
  const pi = headers['pi-authorization']?.trim();
  if (authorization) {
    const [scheme, rest] = authorization.split(/\s+(.*)/s) as [string, string | undefined];
    if (/^bearer$/i.test(scheme)) return rest ? { token: rest.trim() } : null;
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(rest ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon > 0 ? { name: decoded.slice(0, colon), token: decoded.slice(colon + 1) } : null;
    }
    return rest === undefined ? { token: authorization } : null;
  }
  return pi ? { token: pi } : null;
}

export async function authenticate(store: AdminStore, credential: Credential): Promise<Admin | null> {
  const hash = hashToken(credential.token);
  const record: AdminRecord | null = await store.byTokenHash(hash);
  if (!record || !timingSafeEqual(Buffer.from(record.tokenHash), Buffer.from(hash))) return null;
  if (credential.name !== undefined && credential.name !== record.name) return null;
  return { name: record.name, actions: record.actions as PolicyAction[] };
}
