// Actions seen (docs/data-model.md): what an `action` substring can match (every action sealed,
// kept a year) and what analytics expand (the actions of each month, issue 25 item 2).
//   ever   pk ACTIONS              sk <action>  ttl
//   month  pk ACTIONS#<yyyy-mm>    sk <action>  ttl
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Event } from '../events/event.ts';
import type { TimeRange } from '../events/event-log.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { documents, queryItems, tableName } from './client.ts';
import { ignoreFailedCondition } from './conflicts.ts';

const dayS = 86_400;

/** Sets an item's ttl unless it is already as late: an earlier one is raised. */
async function raiseTtlOf(key: { pk: string; sk: string }, ttl: number) {
  await ignoreFailedCondition(
    documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#ttl) OR #ttl < :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':ttl': ttl },
      }),
    ),
  );
}

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** Records an action, living as long as its latest month's events (an earlier ttl is raised). */
export async function recordAction(action: string, ttl: number) {
  await raiseTtlOf({ pk: 'ACTIONS', sk: action }, ttl);
}

/** Records that an action has an event created at `ms`, living as long as that month's events. */
export async function recordActionMonth(action: string, ms: number, ttl: number) {
  await raiseTtlOf({ pk: `ACTIONS#${monthOf(ms)}`, sk: action }, ttl);
}

/** The ttl each (month, action) was recorded with by this container: a write per new pair only. */
const recordedMonths = new Map<string, number>();
const recordedMonthsKept = 10_000;

/** Call after events are written: their actions become expandable by analytics at once. */
export async function recordActionMonths(events: readonly Pick<Event, 'pk' | 'action' | 'created' | 'expires'>[]) {
  for (const event of events) {
    const ms = uuid7Time(event.pk) ?? Date.parse(event.created);
    const ttl = Math.floor(Date.parse(event.expires) / 1000) + dayS;
    const key = `${monthOf(ms)}\u0000${event.action}`;
    if ((recordedMonths.get(key) ?? 0) >= ttl) continue;
    await recordActionMonth(event.action, ms, ttl);
    if (recordedMonths.size >= recordedMonthsKept) recordedMonths.clear();
    recordedMonths.set(key, ttl);
  }
}

/** Every action of a sealed, unexpired event (one Query; one item per distinct action). */
export async function actionsSeen(nowSeconds: number): Promise<string[]> {
  const found: string[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#ttl > :now',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':pk': 'ACTIONS', ':now': nowSeconds },
  })) {
    found.push(item.sk as string);
  }
  return found;
}

/**
 * The actions with events created in the months a range touches, or null when they are more than
 * `atMost`: one Query per month reading at most `atMost` + 1 items, whatever was ever written.
 */
export async function actionsOfMonths(range: TimeRange, atMost: number): Promise<string[] | null> {
  const found = new Set<string>();
  if (range.from >= range.to) return [];
  const first = new Date(range.from);
  for (
    let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
    month < range.to;
    month = Date.UTC(new Date(month).getUTCFullYear(), new Date(month).getUTCMonth() + 1, 1)
  ) {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACTIONS#${monthOf(month)}` },
        ProjectionExpression: 'sk',
        Limit: atMost + 1,
      }),
    );
    for (const item of Items) found.add(item.sk as string);
    if (found.size > atMost || LastEvaluatedKey) return null;
  }
  return [...found];
}
