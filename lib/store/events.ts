// Event items. Key shapes:
//   event        pk EVENTS#<yyyy-mm>  sk E#<uuid7>   apk ACTOR#<username>  ppk PERSON#<id>  ttl  b (body)
//                (a username or id too long for an index key is keyed by its hash: ACTOR~<sha256>)
//   month list   pk EVENT_MONTHS      sk <yyyy-mm>   (which month partitions exist)
//   idempotency  pk IDEMPOTENCY#<admin>#<key hash>  sk IDEMPOTENCY  ttl
// The month comes from the UUIDv7, so an event is found by its id with one GetItem.
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Event, eventActor, eventPerson } from '../events/event.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { documents, queryItems, tableName } from './client.ts';
import { decodeBody, encodeBody } from './codec.ts';

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const monthsKey = { pk: 'EVENT_MONTHS' };
const eventKey = (id: string, month: string) => ({ pk: `EVENTS#${month}`, sk: `E#${id}` });
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An index key for a subject; values too long for DynamoDB's key limit go by their hash. */
function subjectKey(kind: 'ACTOR' | 'PERSON', value: string): string {
  const key = `${kind}#${value}`;
  return Buffer.byteLength(key) <= 1024 ? key : `${kind}~${createHash('sha256').update(value).digest('hex')}`;
}

function eventItem(event: Event) {
  const actor = eventActor(event);
  const person = eventPerson(event);
  return {
    ...eventKey(event.pk, monthOf(Date.parse(event.created))),
    ...(actor !== undefined && { apk: subjectKey('ACTOR', actor) }),
    ...(person !== undefined && { ppk: subjectKey('PERSON', person) }),
    ttl: epochSeconds(event.expires),
    b: encodeBody(event),
  };
}

/** A stored response to replay for a repeated Idempotency-Key. */
export interface IdempotentReply {
  requestHash: string;
  status: number;
  body: unknown;
}

export interface IdempotencyClaim {
  admin: string;
  key: string;
  reply: IdempotentReply;
  ttlSeconds: number;
}

// Months written by this container; the month list is written at most once per month per cold start.
const knownMonths = new Set<string>();

async function rememberMonth(month: string) {
  if (knownMonths.has(month)) return;
  await documents.send(new PutCommand({ TableName: tableName, Item: { ...monthsKey, sk: month } }));
  knownMonths.add(month);
}

const idempotencyKey = (admin: string, key: string) => ({
  pk: `IDEMPOTENCY#${admin}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'IDEMPOTENCY',
});

export type EventStore = typeof eventStore;

/** The Put of an event, for transactions that record an audit event with another change. */
export async function eventPut(event: Event) {
  await rememberMonth(monthOf(Date.parse(event.created)));
  return { Put: { TableName: tableName, Item: eventItem(event) } };
}

export const eventStore = {
  /**
   * Stores an event. With a claim, the event and the claim are written in one transaction;
   * when the key was already claimed, nothing is written and the earlier reply is returned.
   */
  async put(event: Event, claim?: IdempotencyClaim): Promise<IdempotentReply | null> {
    await rememberMonth(monthOf(Date.parse(event.created)));
    if (!claim) {
      await documents.send(new PutCommand({ TableName: tableName, Item: eventItem(event) }));
      return null;
    }
    const key = idempotencyKey(claim.admin, claim.key);
    try {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...key, ttl: nowSeconds() + claim.ttlSeconds, reply: claim.reply },
                ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': 'ttl' },
                ExpressionAttributeValues: { ':now': nowSeconds() },
              },
            },
            { Put: { TableName: tableName, Item: eventItem(event) } },
          ],
        }),
      );
      return null;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const earlier = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return earlier.Item?.reply as IdempotentReply;
    }
  },

  /** The reply stored under an unexpired Idempotency-Key, or null. */
  async earlierReply(admin: string, key: string): Promise<IdempotentReply | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: idempotencyKey(admin, key), ConsistentRead: true }),
    );
    return Item && (Item.ttl as number) >= nowSeconds() ? (Item.reply as IdempotentReply) : null;
  },

  /** The event with this id, or null when unknown, expired or not one of our ids. */
  async get(id: string): Promise<Event | null> {
    const ms = uuid7Time(id);
    if (ms === null) return null;
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: eventKey(id.toLowerCase(), monthOf(ms)) }),
    );
    if (!Item || Item.ttl <= nowSeconds()) return null;
    return decodeBody<Event>(Item.b);
  },

  /** Every unexpired event, newest first (or oldest first), month by month. */
  async *all(order: 'newest' | 'oldest'): AsyncGenerator<Event> {
    const months: string[] = [];
    for await (const item of queryItems({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': monthsKey.pk },
    })) {
      months.push(item.sk as string);
    }
    if (order === 'newest') months.reverse();
    for (const month of months) {
      yield* decoded(
        queryItems({
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':pk': `EVENTS#${month}`, ':now': nowSeconds() },
          ScanIndexForward: order === 'oldest',
        }),
      );
    }
  },

  /**
   * Keys of the unexpired events of an actor and/or a person, newest first: the index holds
   * keys only, so counting reads a few bytes per event and pages fetch only what they show.
   */
  async keysOfSubject(subject: { actor?: string; person?: string }): Promise<Record<string, unknown>[]> {
    const byActor = subject.actor !== undefined;
    const filters = ['#ttl > :now'];
    const values: Record<string, unknown> = { ':now': nowSeconds() };
    if (subject.actor !== undefined) values[':apk'] = subjectKey('ACTOR', subject.actor);
    if (subject.person !== undefined) values[':ppk'] = subjectKey('PERSON', subject.person);
    if (byActor && subject.person !== undefined) filters.push('ppk = :ppk');
    const keys: Record<string, unknown>[] = [];
    for await (const item of queryItems({
      IndexName: byActor ? 'by-actor' : 'by-person',
      KeyConditionExpression: byActor ? 'apk = :apk' : 'ppk = :ppk',
      FilterExpression: filters.join(' AND '),
      ProjectionExpression: 'pk, sk',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    })) {
      keys.push(item);
    }
    return keys;
  },

  /** The events with these keys, in the order given. */
  async getByKeys(keys: Record<string, unknown>[]): Promise<Event[]> {
    const events: Event[] = [];
    for (let i = 0; i < keys.length; i += 100) events.push(...(await getMany(keys.slice(i, i + 100))));
    return events;
  },
};

async function* decoded(items: AsyncIterable<Record<string, unknown>>): AsyncGenerator<Event> {
  for await (const item of items) yield decodeBody<Event>(item.b as Uint8Array);
}

/** BatchGet of at most 100 keys, retrying unprocessed keys, results in key order. */
async function getMany(keys: Record<string, unknown>[]): Promise<Event[]> {
  if (keys.length === 0) return [];
  const found = new Map<string, Event>();
  let pending: Record<string, unknown>[] = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    const result = await documents.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
    for (const item of result.Responses?.[tableName] ?? []) {
      if ((item.ttl as number) > nowSeconds()) found.set(item.sk as string, decodeBody<Event>(item.b as Uint8Array));
    }
    pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
  return keys.flatMap((key) => found.get(key.sk as string) ?? []);
}
