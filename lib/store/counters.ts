// Counter items (the Counter handler module). Key shape:
//   counter   pk COUNTER#<name>  sk COUNTER  rpk COUNTERS  rsk <name>  name, value (number), updated
// Every change is one UpdateItem evaluated by DynamoDB, never a read-modify-write: increase is
// ADD +1; a clamped decrease is ADD -1 conditioned on value > 0 (when that fails the value is
// already 0 or less and stays as it is).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, queryAll, tableName } from './client.ts';

const keyOf = (name: string) => ({ pk: `COUNTER#${name}`, sk: 'COUNTER' });

export interface CounterValue {
  counter_name: string;
  counter_value: number;
  updated: string;
}

/** One UpdateItem: `change` is `ADD #value :delta` or a `SET #value = …` clause; the listing attributes are set with it. */
async function update(
  name: string,
  change: { add: number } | { set: string },
  extra: Record<string, unknown> = {},
  condition?: string,
) {
  const meta = 'rpk = :rpk, rsk = :name, #name = :name, updated = :now';
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

export type CounterStore = typeof counterStore;

export const counterStore = {
  /** The counter's value; a missing counter is 0. */
  async value(name: string): Promise<number> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keyOf(name), ConsistentRead: true }),
    );
    return (Item?.value as number | undefined) ?? 0;
  },

  async get(name: string): Promise<CounterValue | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keyOf(name), ConsistentRead: true }),
    );
    return Item
      ? { counter_name: Item.name as string, counter_value: Item.value as number, updated: Item.updated as string }
      : null;
  },

  async all(): Promise<CounterValue[]> {
    const items = await queryAll({
      IndexName: 'by-ref',
      KeyConditionExpression: 'rpk = :rpk',
      ExpressionAttributeValues: { ':rpk': 'COUNTERS' },
    });
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
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // Already at 0 or below: make sure the counter exists, without touching its value.
      return update(name, { set: '#value = if_not_exists(#value, :zero)' }, { ':zero': 0 });
    }
  },

  reset(name: string): Promise<number> {
    return update(name, { set: '#value = :zero' }, { ':zero': 0 });
  },
};
