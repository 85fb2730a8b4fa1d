// The bootstrap admin of `npm start`: every policy action, token from EVENT_HUB_ADMIN_TOKEN or new.
import { createAdmin, hashToken, newToken, revokeAdmin } from '../../lib/admins/admins.ts';
import { policyActions } from '../../lib/admins/policy-actions.ts';
import { adminStore } from '../../lib/store/admins.ts';

export const bootstrapName = 'bootstrap';

export async function bootstrapAdmin(given: string | undefined): Promise<string> {
  const token = given || newToken();
  const existing = await adminStore.byName(bootstrapName);
  if (existing?.tokenHash === hashToken(token)) return token;
  if (existing) await revokeAdmin(adminStore, bootstrapName);
  return createAdmin(adminStore, bootstrapName, [...policyActions], token);
}
