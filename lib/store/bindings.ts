// Binding items, one item collection per binding. Key shapes:
//   binding      pk BINDING#<id>  sk BINDING          rpk BINDINGS               rsk <id:10>        + the binding, version
//   dispatch     pk BINDING#<id>  sk ON#<event>       rpk ON#<position>#<event>  rsk <ordering:10>#<id:10>  binding (active only)
//   policy link  pk BINDING#<id>  sk POLICY#<uuid>    rpk POLICY#<uuid>          rsk <id:10>        id, name
//   id sequence  pk BINDING_SEQ   sk BINDING_SEQ      next (never above maxBindingId)
// A write replaces the whole collection in one transaction, conditioned on the version read.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Binding, maxBindingId, type Position, type StoredBinding } from '../bindings/binding.ts';
import type { BindingStore } from '../bindings/bindings.ts';
import { policyUuidsOf } from '../bindings/conditions.ts';
import type { Event } from '../events/event.ts';
import { documents, queryAll, queryItems, tableName } from './client.ts';
import { conditionFailed, ignoreFailedCondition, transactWrite } from './conflicts.ts';
import { eventPut } from './events.ts';
import { afterEventsWritten } from './events-written.ts';
import { policyLinkChanges } from './matcher-policies.ts';
import { numberKey } from './number-keys.ts';
import { itemsListed } from './ref-lists.ts';
import { refIndex } from './table.ts';

const collection = (id: number) => `BINDING#${id}`;
const sequenceKey = { pk: 'BINDING_SEQ', sk: 'BINDING_SEQ' };

function items(binding: StoredBinding) {
  const pk = collection(binding.id);
  const { version: _version, ...plain } = binding;
  return [
    { pk, sk: 'BINDING', rpk: 'BINDINGS', rsk: numberKey(binding.id), binding: plain, version: binding.version },
    ...(binding.active
      ? binding.event.map((name) => ({
          pk,
          sk: `ON#${name}`,
          rpk: `ON#${binding.position}#${name}`,
          // byOrdering (lib/bindings/binding.ts) as a sort key.
          rsk: `${numberKey(binding.ordering)}#${numberKey(binding.id)}`,
          binding: plain,
        }))
      : []),
    // A policy named twice is linked once: two writes of one item would void the transaction.
    ...[...new Set(policyUuidsOf(binding.conditions))].map((uuid) => ({
      pk,
      sk: `POLICY#${uuid}`,
      rpk: `POLICY#${uuid}`,
      rsk: numberKey(binding.id),
      id: binding.id,
      name: binding.name,
    })),
  ];
}

/** The matcher policies a binding's stored collection links to. */
const linkedPolicies = (current: Record<string, unknown>[]) =>
  current
    .filter((item) => String(item.sk).startsWith('POLICY#'))
    .map((item) => String(item.sk).slice('POLICY#'.length));

/** The lowest id no binding has (ids in rsk order), for when the sequence is at its end. */
async function lowestFreeId(): Promise<number> {
  let expected = 1;
  for await (const item of queryItems({
    IndexName: refIndex,
    KeyConditionExpression: 'rpk = :rpk',
    ExpressionAttributeValues: { ':rpk': 'BINDINGS' },
    ProjectionExpression: 'rsk',
  })) {
    if (Number(item.rsk) !== expected) break;
    expected++;
  }
  if (expected > maxBindingId) throw new Error('every binding id is taken');
  return expected;
}

const stored = (item: Record<string, unknown>): StoredBinding => ({
  ...(item.binding as Binding),
  version: item.version as number,
});

export const bindingStore: BindingStore = {
  /**
   * The next id: an atomic counter, so concurrent creates never collide. It stops at
   * maxBindingId (an explicit id may have taken it there); from then on the lowest free id is
   * used (a concurrent create taking it too fails its write and retries).
   */
  async nextId(): Promise<number> {
    try {
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sequenceKey,
          UpdateExpression: 'ADD #next :one',
          ConditionExpression: 'attribute_not_exists(#next) OR #next < :max',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':one': 1, ':max': maxBindingId },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.next as number;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return lowestFreeId();
    }
  },

  /** After a create with an explicit id, later generated ids stay above it. */
  async raiseSequence(id: number): Promise<void> {
    // Already as high: nothing to do.
    await ignoreFailedCondition(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sequenceKey,
          UpdateExpression: 'SET #next = :id',
          ConditionExpression: 'attribute_not_exists(#next) OR #next < :id',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':id': id },
        }),
      ),
    );
  },

  async get(id: number): Promise<StoredBinding | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: collection(id), sk: 'BINDING' }, ConsistentRead: true }),
    );
    return Item ? stored(Item) : null;
  },

  async all(): Promise<StoredBinding[]> {
    return (await itemsListed('BINDINGS')).map(stored);
  },

  /** Active bindings for one event name and position, in ordering then id order. */
  async forEvent(position: Position, eventName: string): Promise<Binding[]> {
    const found = await itemsListed(`ON#${position}#${eventName}`);
    return found.map((item) => item.binding as Binding);
  },

  /** The bindings whose matcher_policy condition names this policy. */
  async usingPolicy(policyUuid: string): Promise<{ id: number; name: string }[]> {
    const found = await itemsListed(`POLICY#${policyUuid.toLowerCase()}`);
    return found.map((item) => ({ id: item.id as number, name: item.name as string }));
  },

  /**
   * Writes the binding (version = expected + 1) with its links and an audit event, in one
   * transaction. `expectedVersion` null means the id must be new.
   */
  async write(binding: Binding, expectedVersion: number | null, audit: Event): Promise<StoredBinding> {
    const next: StoredBinding = { ...binding, version: (expectedVersion ?? 0) + 1 };
    const wanted = items(next);
    const current = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': collection(binding.id) },
    });
    const stale = current.filter((item) => item.sk !== 'BINDING' && !wanted.some((w) => w.sk === item.sk));
    const [main, ...links] = wanted;
    await transactWrite([
      {
        Put: {
          TableName: tableName,
          Item: main,
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      },
      ...links.map((item) => ({ Put: { TableName: tableName, Item: item } })),
      ...stale.map((item) => ({ Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.sk } } })),
      // Counts the links on each policy and fails if a named policy was deleted meanwhile.
      ...policyLinkChanges(linkedPolicies(current), policyUuidsOf(binding.conditions)),
      eventPut(audit),
    ]);
    await afterEventsWritten([audit]);
    return next;
  },

  /** Deletes the binding and its links, if it is still at `expectedVersion`. */
  async remove(id: number, expectedVersion: number, audit: Event): Promise<void> {
    const current = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': collection(id) },
    });
    await transactWrite([
      ...current.map((item) =>
        item.sk === 'BINDING'
          ? {
              Delete: {
                TableName: tableName,
                Key: { pk: item.pk, sk: item.sk },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
            }
          : { Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.sk } } },
      ),
      ...policyLinkChanges(linkedPolicies(current), []),
      eventPut(audit),
    ]);
    await afterEventsWritten([audit]);
  },
};
