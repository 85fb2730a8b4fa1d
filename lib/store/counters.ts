// Counter items (the Counter handler module). Key shape:
//   counter   pk COUNTER#<name>  sk COUNTER  rpk COUNTERS  rsk <name>  name, value (number), updated
// Every change is one UpdateItem evaluated by DynamoDB, never a read-modify-write: increase is
// ADD +1; a clamped decrease is ADD -1 conditioned on value > 0 (when that fails the value is
// already 0 or less and stays as it is). The changes of pre bindings are written in the
// event's own transaction instead (counterChangeUpdate).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { applyCounterOps, type CounterChange } from '../dispatch/pre-counters.ts';
import type { Counter, CounterStore } from '../handlers/counters.ts';
import { documents, tableName } from './client.ts';
import { conditionFailed } from './conflicts.ts';
import { itemsListed } from './ref-lists.ts';

const keyOf = (name: string) => ({ pk: `COUNTER#${name}`, sk: 'COUNTER' });

const meta = 'rpk = :rpk, rsk = :name, #name = :name, updated = :now';

/** One UpdateItem: `change` is `ADD #value :delta` or a `SET #value = …` clause; the listing attributes are set with it. */
async function update(
  name: string,
  change: { add: number } | { set: string },
  extra: Record<string, unknown> = {},
  condition?: string,
) {
  const expression = 'add' in change ? `ADD #value :delta SET ${meta}` : `SET ${change.set}, ${meta}`;
  const { Attributes } = await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keyOf(name),
      UpdateExpression: expression,
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#value': 'value', '#name': 'name' },
      ExpressionAttributeValues: {
        ':rpk': 'COUNTERS',
        ':name': name,
        ':now': new Date().toISOString(),
        ...('add' in change && { ':delta': change.add }),
        ...extra,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes?.value as number;
}

export const counterStore: CounterStore = {
  async value(name: string): Promise<number> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keyOf(name), ConsistentRead: true }),
    );
    return (Item?.value as number | undefined) ?? 0;
  },

  async get(name: string): Promise<Counter | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keyOf(name), ConsistentRead: true }),
    );
    return Item
      ? { counter_name: Item.name as string, counter_value: Item.value as number, updated: Item.updated as string }
      : null;
  },

  async all(): Promise<Counter[]> {
    const items = await itemsListed('COUNTERS');
    return items.map((item) => ({
      counter_name: item.name as string,
      counter_value: item.value as number,
      updated: item.updated as string,
    }));
  },

  increase(name: string): Promise<number> {
    return update(name, { add: 1 });
  },

  /** Decrease by one; unless negatives are allowed, a counter at 0 (or below) stays where it is. */
  async decrease(name: string, allowNegative: boolean): Promise<number> {
    if (allowNegative) return update(name, { add: -1 });
    try {
      return await update(name, { add: -1 }, { ':zero': 0 }, '#value > :zero');
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      // Already at 0 or below: make sure the counter exists, without touching its value.
      return update(name, { set: '#value = if_not_exists(#value, :zero)' }, { ':zero': 0 });
    }
  },

  reset(name: string): Promise<number> {
    return update(name, { set: '#value = :zero' }, { ':zero': 0 });
  },
};

/**
 * The Update of one counter for a transaction, its pre changes applied in order. A reset, or
 * changes that never clamp, need no read. Clamped decreases are an ADD conditioned on a value
 * high enough that none of them clamps; when that condition fails, `fromValue` is set and the
 * value is read and written back changed, conditioned on being still the one read.
 */
export async function counterChangeUpdate(change: CounterChange, fromValue: boolean) {
  const { name, ops } = change;
  const values: Record<string, unknown> = { ':rpk': 'COUNTERS', ':name': name, ':now': new Date().toISOString() };
  const names = { '#value': 'value', '#name': 'name' };
  const base = { TableName: tableName, Key: keyOf(name), ExpressionAttributeNames: names };
  const reset = ops.lastIndexOf('reset');
  if (reset >= 0) {
    values[':set'] = applyCounterOps(0, ops.slice(reset + 1));
    return {
      Update: { ...base, UpdateExpression: `SET #value = :set, ${meta}`, ExpressionAttributeValues: values },
    };
  }
  if (!ops.includes('decrease_clamped')) {
    values[':delta'] = applyCounterOps(0, ops);
    return {
      Update: { ...base, UpdateExpression: `ADD #value :delta SET ${meta}`, ExpressionAttributeValues: values },
    };
  }
  if (!fromValue) {
    // From a value of ops.length or more, no decrease reaches 0.
    values[':floor'] = ops.length;
    values[':delta'] = applyCounterOps(ops.length, ops) - ops.length;
    return {
      Update: {
        ...base,
        UpdateExpression: `ADD #value :delta SET ${meta}`,
        ConditionExpression: '#value >= :floor',
        ExpressionAttributeValues: values,
      },
    };
  }
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keyOf(name), ConsistentRead: true }),
  );
  const read = Item?.value as number | undefined;
  values[':set'] = applyCounterOps(read ?? 0, ops);
  if (read !== undefined) values[':read'] = read;
  return {
    Update: {
      ...base,
      UpdateExpression: `SET #value = :set, ${meta}`,
      ConditionExpression: read === undefined ? 'attribute_not_exists(#value)' : '#value = :read',
      ExpressionAttributeValues: values,
    },
  };
}
