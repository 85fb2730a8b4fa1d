// The store's own guarantees, below the domain's friendly pre-checks: unique names and
// versions are enforced by transaction conditions, and link counts block deletion.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../lib/events/event.ts';
import { type MatcherPolicy, PolicyNameTaken } from '../../../lib/matchers/policy.ts';
import { type Service, startService } from '../../helpers/service.ts';

let service: Service;
let store: typeof import('../../../lib/store/matcher-policies.ts');
let conflicts: typeof import('../../../lib/conflicts.ts');
let documents: typeof import('../../../lib/store/client.ts')['documents'];
let TransactWriteCommand: typeof import('@aws-sdk/lib-dynamodb')['TransactWriteCommand'];
let modelEvent: typeof import('../../../lib/events/audit.ts')['modelEvent'];

beforeAll(async () => {
  service = await startService();
  store = await import('../../../lib/store/matcher-policies.ts');
  conflicts = await import('../../../lib/conflicts.ts');
  ({ documents } = await import('../../../lib/store/client.ts'));
  ({ TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb'));
  ({ modelEvent } = await import('../../../lib/events/audit.ts'));
});
afterAll(() => service.close());

const newPolicy = (name: string): MatcherPolicy => ({
  pk: randomUUID(),
  name,
  execution_logging: true,
  action: 'login_failed',
  client_ip: '192.0.2.0/24',
  app: null,
  model: null,
  query: null,
});
const audit = (policy: MatcherPolicy): Event =>
  modelEvent('model_updated', 'test', { model_name: 'eventmatcherpolicy', pk: policy.pk, name: policy.name });
const link = (before: string[], after: string[]) =>
  documents.send(new TransactWriteCommand({ TransactItems: store.policyLinkChanges(before, after) }));

describe('matcherPolicyStore', () => {
  it('get returns the stored policy with execution_logging and its version; null when unknown', async () => {
    const policy = newPolicy('stored');
    await store.matcherPolicyStore.create(policy, audit(policy));
    expect(await store.matcherPolicyStore.get(policy.pk.toUpperCase())).toEqual({ ...policy, version: 1 });
    expect(await store.matcherPolicyStore.exists(policy.pk)).toBe(true);
    expect(await store.matcherPolicyStore.get(randomUUID())).toBeNull();
  });

  it('refuses a second holder of a name atomically, writing nothing', async () => {
    const first = newPolicy('claimed');
    await store.matcherPolicyStore.create(first, audit(first));
    const second = newPolicy('claimed');
    const before = await service.digest();
    await expect(store.matcherPolicyStore.create(second, audit(second))).rejects.toBeInstanceOf(PolicyNameTaken);
    expect(await service.digest()).toBe(before);
    expect(await store.matcherPolicyStore.nameHolder('claimed')).toBe(first.pk);
  });

  it('conditions updates and deletes on the version read', async () => {
    const policy = newPolicy('versioned');
    const v1 = await store.matcherPolicyStore.create(policy, audit(policy));
    const v2 = await store.matcherPolicyStore.update({ ...policy, app: 'x' }, v1, audit(policy));
    expect(v2.version).toBe(2);
    await expect(store.matcherPolicyStore.update({ ...policy, app: 'y' }, v1, audit(policy))).rejects.toBeInstanceOf(
      conflicts.VersionConflict,
    );
    await expect(store.matcherPolicyStore.remove(v1, audit(policy))).rejects.toBeInstanceOf(conflicts.VersionConflict);
    expect((await store.matcherPolicyStore.get(policy.pk))?.app).toBe('x');
  });

  it('a counted link blocks deletion until it is removed again', async () => {
    const policy = newPolicy('linked');
    const saved = await store.matcherPolicyStore.create(policy, audit(policy));
    await link([], [policy.pk]);
    expect(await store.matcherPolicyStore.linkCount(policy.pk)).toBe(1);
    await expect(store.matcherPolicyStore.remove(saved, audit(policy))).rejects.toBeInstanceOf(
      conflicts.VersionConflict,
    );
    // A rename leaves the count alone.
    const renamed = await store.matcherPolicyStore.update({ ...policy, name: 'linked 2' }, saved, audit(policy));
    expect(await store.matcherPolicyStore.linkCount(policy.pk)).toBe(1);
    await link([policy.pk], []);
    expect(await store.matcherPolicyStore.linkCount(policy.pk)).toBe(0);
    await store.matcherPolicyStore.remove(renamed, audit(policy));
    expect(await store.matcherPolicyStore.get(policy.pk)).toBeNull();
    expect(await store.matcherPolicyStore.nameHolder('linked 2')).toBeNull();
  });

  it('a link to a missing policy fails, and creates no stub item', async () => {
    const missing = randomUUID();
    await expect(link([], [missing])).rejects.toThrow();
    expect(await store.matcherPolicyStore.exists(missing)).toBe(false);
  });

  it('policyLinkChanges touches only the policies that changed', () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const changes = store.policyLinkChanges([a, b], [b.toUpperCase(), c]);
    expect(changes.map((item) => [item.Update?.Key?.pk, item.Update?.ExpressionAttributeValues?.[':by']])).toEqual([
      [`MATCHER_POLICY#${c}`, 1],
      [`MATCHER_POLICY#${a}`, -1],
    ]);
  });
});
