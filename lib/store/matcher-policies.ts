// Matcher policy items. Key shapes:
//   policy      pk MATCHER_POLICY#<uuid>         sk MATCHER_POLICY       rpk MATCHER_POLICIES  rsk <name>#<uuid>
//               + policy, version, links (bindings naming it, kept by the binding writes)
//   name claim  pk MATCHER_POLICY_NAME#<sha256>  sk MATCHER_POLICY_NAME  uuid
// The claim makes names unique atomically: it is written in the same transaction as the
// policy, conditioned on not existing. The bindings that name a policy are link items of the
// binding store (rpk POLICY#<uuid>).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../conflicts.ts';
import type { Event } from '../events/event.ts';
import type { MatcherPolicyStore } from '../matchers/policies.ts';
import { type MatcherPolicy, PolicyNameTaken, type StoredMatcherPolicy } from '../matchers/policy.ts';
import { documents, tableName } from './client.ts';
import { type TransactItems, transactWrite } from './conflicts.ts';
import { eventPut } from './events.ts';
import { afterEventsWritten } from './events-written.ts';
import { namedRecords } from './named-records.ts';
import { itemsListed } from './ref-lists.ts';

export const matcherPolicyKey = (uuid: string) => ({
  pk: `MATCHER_POLICY#${uuid.toLowerCase()}`,
  sk: 'MATCHER_POLICY',
});

const listKey = 'MATCHER_POLICIES';
const policies = namedRecords({
  key: matcherPolicyKey,
  claimKind: 'MATCHER_POLICY',
  listKey,
  attribute: 'policy',
  noun: 'policy',
  nameTaken: (name) => new PolicyNameTaken(name),
});
const { claims } = policies;

const stored = (item: Record<string, unknown>): StoredMatcherPolicy => ({
  ...(item.policy as MatcherPolicy),
  version: item.version as number,
});

export const matcherPolicyStore: MatcherPolicyStore = {
  async exists(uuid: string): Promise<boolean> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: matcherPolicyKey(uuid), ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  },

  /** The policy (criteria, `execution_logging`, version), or null when unknown. */
  async get(uuid: string): Promise<StoredMatcherPolicy | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: matcherPolicyKey(uuid), ConsistentRead: true }),
    );
    return Item ? stored(Item) : null;
  },

  /** The uuid of the policy holding this name, or null. */
  nameHolder: (name: string) => claims.holder(name),

  /** Every policy, in name order (the index's sort key). */
  async all(): Promise<StoredMatcherPolicy[]> {
    const items = await itemsListed(listKey);
    return items.map(stored);
  },

  /** Creates the policy (version 1), its name claim and the audit event, in one transaction. */
  async create(policy: MatcherPolicy, audit: Event): Promise<StoredMatcherPolicy> {
    await policies.create(policy, audit);
    return { ...policy, version: 1 };
  },

  /**
   * Replaces the policy if it is still at `previous.version`, moving the name claim when the
   * name changes; the link count (written by binding writes) is left alone.
   */
  async update(policy: MatcherPolicy, previous: StoredMatcherPolicy, audit: Event): Promise<StoredMatcherPolicy> {
    await policies.update(policy, previous, audit);
    return { ...policy, version: previous.version + 1 };
  },

  /**
   * Deletes the policy and its name claim if it is still at `previous.version` and no binding
   * link is counted on it.
   */
  async remove(previous: StoredMatcherPolicy, audit: Event): Promise<void> {
    await transactWrite(
      [
        {
          Delete: {
            TableName: tableName,
            Key: matcherPolicyKey(previous.pk),
            ConditionExpression: 'version = :version AND (attribute_not_exists(links) OR links <= :none)',
            ExpressionAttributeValues: { ':version': previous.version, ':none': 0 },
          },
        },
        claims.remove(previous.name, previous.pk),
        eventPut(audit),
      ],
      () => new VersionConflict('the policy changed or was bound since it was read'),
    );
    await afterEventsWritten([audit]);
  },

  /** The bindings counted on a policy item (0 when none is kept). */
  async linkCount(uuid: string): Promise<number> {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: matcherPolicyKey(uuid),
        ConsistentRead: true,
        ProjectionExpression: 'links',
      }),
    );
    return (Item?.links as number | undefined) ?? 0;
  },
};

/**
 * For the binding store: the transaction items that keep each policy's link count in step
 * with the bindings naming it, given the policies a binding named before and after a write. Each also checks that the policy still exists, so a binding
 * can never name a policy deleted concurrently, and a policy with links cannot be deleted.
 */
export function policyLinkChanges(namedBefore: readonly string[], namedAfter: readonly string[]): TransactItems {
  const change = (uuid: string, by: number) => ({
    Update: {
      TableName: tableName,
      Key: matcherPolicyKey(uuid),
      UpdateExpression: 'ADD links :by',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':by': by },
    },
  });
  const before = new Set(namedBefore.map((uuid) => uuid.toLowerCase()));
  const after = new Set(namedAfter.map((uuid) => uuid.toLowerCase()));
  return [
    ...[...after].filter((uuid) => !before.has(uuid)).map((uuid) => change(uuid, 1)),
    ...[...before].filter((uuid) => !after.has(uuid)).map((uuid) => change(uuid, -1)),
  ];
}
