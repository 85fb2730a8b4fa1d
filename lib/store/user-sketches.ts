// User sketches (analytics, docs/data-model.md "Analytics"): the distinct users of a sketched
// partition per day and month, kept by the seal with the same rerun rule as the rollups
// (`s < minute`). Key shape:
//   users    pk <partition>  sk U#D#<yyyy-mm-dd> | U#M#<yyyy-mm>  u | h (UserSketch), s, ttl
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { UserSketch } from '../events/user-sketch.ts';
import { documents, tableName } from './client.ts';
import { ignoreFailedCondition } from './conflicts.ts';
import { levels } from './rollups.ts';
import { oneDayAfter, type TermMinute } from './term-counts.ts';

/** The sort key of a day's or a month's user sketch. */
export const usersSortKey = (tag: 'D' | 'M', start: number) => `U#${levels[tag].sortKey(start)}`;

/** Adds a minute's users to a day's or month's sketch, once: a read, a merge, a put conditioned on `s < minute`. */
export async function addUsers({ partition, minute, ms, count }: TermMinute, tag: 'D' | 'M') {
  const key = { pk: partition, sk: usersSortKey(tag, levels[tag].start(ms)) };
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  if (typeof Item?.s === 'number' && Item.s >= minute) return;
  const sketch = Item ? UserSketch.decode(Item) : UserSketch.empty();
  for (const hash of count.users ?? []) sketch.add(hash);
  const ttl = Math.max(typeof Item?.ttl === 'number' ? Item.ttl : 0, oneDayAfter(count));
  await ignoreFailedCondition(
    documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...key, ...sketch.encode(), s: minute, ttl },
        ConditionExpression: 'attribute_not_exists(s) OR s < :m',
        ExpressionAttributeValues: { ':m': minute },
      }),
    ),
  );
}
