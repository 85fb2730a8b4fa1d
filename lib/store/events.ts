// Event items and idempotency claims. Key shapes in ./event-keys.ts; what reads them in ./event-log.ts.
//   idempotency  pk IDEMPOTENCY#<admin>#<key hash>  sk IDEMPOTENCY  ttl
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { retryConflicts } from '../conflicts.ts';
import type { Event } from '../events/event.ts';
import type { EventStore } from '../events/event-store.ts';
import type { IdempotencyClaim, IdempotentReply } from '../events/idempotency.ts';
import { eventTerms } from '../events/terms.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { documents, getAll, putAll, tableName } from './client.ts';
import { decodeBody, encodeBody } from './codec.ts';
import { transactWrite } from './conflicts.ts';
import { eventKey, eventShard, termIndexes, termPartition } from './event-keys.ts';
import { afterEventsWritten } from './events-written.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function eventItem(event: Event) {
  const shard = eventShard(event.pk);
  const item: Record<string, unknown> = {
    ...eventKey(event.pk),
    ttl: epochSeconds(event.expires),
    b: encodeBody(event),
  };
  for (const term of eventTerms(event)) {
    if (term.kind !== 'all' && term.kind !== 'actor_person') {
      item[termIndexes[term.kind].attribute] = termPartition(term, shard);
    }
  }
  return item;
}

const idempotencyKey = (admin: string, key: string) => ({
  pk: `IDEMPOTENCY#${admin}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'IDEMPOTENCY',
});

/**
 * The claim's Put, for the event's transaction. The reply is stored as opaque bytes like the
 * event body: any JSON the event holds fits, whatever DynamoDB could not keep as a map.
 */
export const idempotencyClaimPut = (claim: IdempotencyClaim) => ({
  Put: {
    TableName: tableName,
    Item: {
      ...idempotencyKey(claim.admin, claim.key),
      ttl: nowSeconds() + claim.ttlSeconds,
      reply: encodeBody(claim.reply),
    },
    ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':now': nowSeconds() },
  },
});

/** A stored reply: bytes, or a map written before replies were stored as bytes (kept 48 hours). */
const replyOf = (item: Record<string, unknown>): IdempotentReply =>
  item.reply instanceof Uint8Array ? decodeBody<IdempotentReply>(item.reply) : (item.reply as IdempotentReply);

/** The reply under a key whose claim just failed (it is taken and unexpired). */
export async function claimedReply(claim: Pick<IdempotencyClaim, 'admin' | 'key'>): Promise<IdempotentReply> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: idempotencyKey(claim.admin, claim.key), ConsistentRead: true }),
  );
  if (!Item) throw new Error('the claimed Idempotency-Key has no reply');
  return replyOf(Item);
}

/** The Put of an event, for transactions that record an audit event with another change. */
export const eventPut = (event: Event) => ({ Put: { TableName: tableName, Item: eventItem(event) } });

/** The Idempotency-Key was claimed first by another request (`index`: the transaction item). */
class ClaimTaken extends Error {
  constructor(readonly index = 0) {
    super('the Idempotency-Key was claimed first');
  }
}

/** Events (with their claims) one transaction writes: 50 of DynamoDB's 100 items, ≤ 64 KiB each. */
const claimedPerTransaction = 25;

export const eventStore: EventStore = {
  /**
   * Stores an event. With a claim, the event and the claim are written in one transaction;
   * when the key was already claimed, nothing is written and the earlier reply is returned.
   */
  async put(event: Event, claim?: IdempotencyClaim): Promise<IdempotentReply | null> {
    if (!claim) {
      await documents.send(new PutCommand({ TableName: tableName, Item: eventItem(event) }));
      await afterEventsWritten([event]);
      return null;
    }
    try {
      // Two writers of one key at once: the loser's transaction is retried and finds the claim.
      await retryConflicts(() => transactWrite([idempotencyClaimPut(claim), eventPut(event)], () => new ClaimTaken()));
    } catch (error) {
      if (error instanceof ClaimTaken) return claimedReply(claim);
      throw error;
    }
    await afterEventsWritten([event]);
    return null;
  },

  /** Events with their claims, 25 to a transaction (each event with its claim); a key claimed first answers its reply. */
  async putClaimed(writes) {
    const results = new Array<IdempotentReply | null>(writes.length).fill(null);
    const chunks: number[][] = [];
    for (let i = 0; i < writes.length; i += claimedPerTransaction)
      chunks.push(Array.from({ length: Math.min(claimedPerTransaction, writes.length - i) }, (_, k) => i + k));
    await Promise.all(
      chunks.map(async (chunk) => {
        let pending = chunk;
        while (pending.length > 0) {
          const items = pending.flatMap((i) => {
            const { event, claim } = writes[i] as (typeof writes)[number];
            return [idempotencyClaimPut(claim), eventPut(event)];
          });
          try {
            await retryConflicts(() => transactWrite(items, (index) => new ClaimTaken(index)));
            return;
          } catch (error) {
            if (!(error instanceof ClaimTaken)) throw error;
            // Claimed first by another delivery: nothing of this chunk was written; the rest again.
            const taken = pending[Math.floor(error.index / 2)] as number;
            results[taken] = await claimedReply((writes[taken] as (typeof writes)[number]).claim);
            pending = pending.filter((i) => i !== taken);
          }
        }
      }),
    );
    await afterEventsWritten(writes.filter((_, i) => results[i] === null).map(({ event }) => event));
    return results;
  },

  /** The replies stored under unexpired Idempotency-Keys of one admin, by key (BatchGetItem, consistent). */
  async earlierReplies(admin, keys) {
    const byPk = new Map(keys.map((key) => [idempotencyKey(admin, key).pk, key]));
    const found = new Map<string, IdempotentReply>();
    const items = await getAll(
      keys.map((key) => idempotencyKey(admin, key)),
      { consistent: true },
    );
    for (const item of items) {
      const key = byPk.get(item.pk as string);
      if (key !== undefined && (item.ttl as number) >= nowSeconds()) found.set(key, replyOf(item));
    }
    return found;
  },

  /** The reply stored under an unexpired Idempotency-Key, or null. */
  async earlierReply(admin: string, key: string): Promise<IdempotentReply | null> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: idempotencyKey(admin, key), ConsistentRead: true }),
    );
    return Item && (Item.ttl as number) >= nowSeconds() ? replyOf(Item) : null;
  },

  /** Stores events 25 to a request (BatchWriteItem): seeding, backfills. Nothing runs on them. */
  async putMany(events: readonly Event[]): Promise<void> {
    await putAll(events.map(eventItem));
  },

  /** Events by id (BatchGetItem, 100 to a request): the unexpired ones found, by id. */
  async getMany(ids: readonly string[], nowMs = Date.now()): Promise<Map<string, Event>> {
    const found = new Map<string, Event>();
    for (const item of await getAll(ids.map(eventKey))) {
      if ((item.ttl as number) > Math.floor(nowMs / 1000))
        found.set(item.sk as string, decodeBody<Event>(item.b as Uint8Array));
    }
    return found;
  },

  /** The event with this id, or null when unknown, expired or not one of our ids. */
  async get(id: string): Promise<Event | null> {
    if (uuid7Time(id) === null) return null;
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: eventKey(id.toLowerCase()) }));
    if (!Item || (Item.ttl as number) <= nowSeconds()) return null;
    return decodeBody<Event>(Item.b as Uint8Array);
  },
};
