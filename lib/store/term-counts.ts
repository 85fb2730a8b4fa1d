// A stretch of the table's timeline counted per term (by rollup partition): what the seal and the
// live seal write from. Each term's events, ids and expiries, and for the analytics the action ×
// app pairs and the users of the partitions that keep a user sketch (./user-sketches.ts).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Tallied, usersSketched } from '../events/analytics.ts';
import type { Event } from '../events/event.ts';
import { userHash, userKey } from '../events/user-sketch.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { dayMs, minuteMs } from '../time-units.ts';
import { actionAppPartition } from './action-apps.ts';
import { documents, queryItems, tableName } from './client.ts';
import { decodeBody } from './codec.ts';
import { actorPersonRollup, sortKeyBounds, termIndexes, timelineShards } from './event-keys.ts';
import { bump } from './rollups.ts';

export interface TermCount {
  n: number;
  expiries: Map<number, number>;
  maxExpiry: number;
  /** The minute's event ids of the term, as read (unordered). */
  ids: string[];
  /** Each id's expiry (its `ttl`, epoch seconds), in the order of `ids`. */
  ttls: number[];
  /** Analytics: hashes of the minute's users, for partitions that keep a user sketch. */
  users?: Set<string>;
  /** Analytics: an action × app pair's application object (of the minute's last event read). */
  app?: unknown;
  /** An actor and person pair: its actor's and its person's partitions. */
  actor?: string;
  person?: string;
}

/** The ttl of what a term's minute is written into: a day after its last event expires (epoch seconds). */
export const oneDayAfter = (count: Pick<TermCount, 'maxExpiry'>) => count.maxExpiry + 86_400;

/** A term's minute as the seal applies it: its rollup partition, the minute (epoch minutes; `ms` its start) and its count. */
export interface TermMinute {
  readonly partition: string;
  readonly minute: number;
  readonly ms: number;
  readonly count: TermCount;
}

/**
 * A term's minute whose expiries a histogram would not hold in bounded space: more distinct
 * expiry minutes than this, or one past the horizon. Its events count under the unit `u`,
 * which no reader decides: that minute is read instead (docs/data-model.md "Expiry").
 */
const maxExpiryMinutes = 8;
const expiryHorizonMinutes = (3660 * dayMs) / minuteMs;
export const undecided = (count: Pick<TermCount, 'expiries'>, minute: number) =>
  count.expiries.size > maxExpiryMinutes ||
  [...count.expiries.keys()].some((expiryMinute) => expiryMinute - minute > expiryHorizonMinutes);

/** The first minute at or after `fromMinute` that holds an event, or Infinity. */
export async function nextEventMinute(fromMinute: number): Promise<number> {
  const { low } = sortKeyBounds(fromMinute * minuteMs, (fromMinute + 1) * minuteMs);
  const firsts = await Promise.all(
    Array.from({ length: timelineShards }, async (_, shard) => {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :low',
          ExpressionAttributeValues: { ':pk': `EV#${shard}`, ':low': low },
          ProjectionExpression: 'sk',
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const ms = uuid7Time((Items?.[0]?.sk as string | undefined) ?? '');
      return ms === null ? Number.POSITIVE_INFINITY : Math.floor(ms / minuteMs);
    }),
  );
  return Math.min(...firsts);
}

/** The key attributes of the kinds an event item holds besides `all`. */
const keyedAttributes = Object.entries(termIndexes).filter(([kind]) => kind !== 'all');

/**
 * Events per term (by rollup partition) created in [fromMs, toMs), read once (consistently)
 * from the table's timeline; with `analytics`, also the pairs, users and apps the analytics keep
 * (which decodes every body).
 */
export async function countEvents(
  fromMs: number,
  toMs: number,
  { analytics = true } = {},
): Promise<Map<string, TermCount>> {
  const counts = new Map<string, TermCount>();
  const { low, high } = sortKeyBounds(fromMs, toMs);
  const projection = [
    'sk',
    '#ttl',
    ...(analytics ? ['b'] : []),
    ...keyedAttributes.map(([, { attribute }]) => attribute),
  ];
  await Promise.all(
    Array.from({ length: timelineShards }, async (_, shard) => {
      for await (const item of queryItems({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': `EV#${shard}`, ':a': low, ':b': high },
        ProjectionExpression: projection.join(', '),
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ConsistentRead: true,
      })) {
        countItem(counts, item, analytics);
      }
    }),
  );
  return counts;
}

/** Adds an event item (its id, `ttl` and key attributes) to the counts of each of its terms. */
export function countItem(counts: Map<string, TermCount>, item: Record<string, unknown>, analytics: boolean) {
  const ttl = item.ttl as number;
  const id = item.sk as string;
  const add = (partition: string) => {
    const expiryMinute = Math.floor(ttl / 60);
    const count = counts.get(partition) ?? {
      n: 0,
      expiries: new Map<number, number>(),
      maxExpiry: 0,
      ids: [],
      ttls: [],
    };
    counts.set(partition, count);
    count.n++;
    count.ids.push(id);
    count.ttls.push(ttl);
    bump(count.expiries, expiryMinute, 1);
    count.maxExpiry = Math.max(count.maxExpiry, expiryMinute * 60 + 60);
  };
  add('R#all');
  const keyValue = (attribute: string) => {
    const key = item[attribute];
    return typeof key === 'string' ? key.slice(0, key.lastIndexOf('#')) : undefined;
  };
  for (const [kind, { attribute }] of keyedAttributes) {
    const value = keyValue(attribute);
    if (value !== undefined) add(`R#${kind}#${value}`);
  }
  const actor = keyValue(termIndexes.actor.attribute);
  const person = keyValue(termIndexes.person.attribute);
  if (actor !== undefined && person !== undefined) {
    const pair = actorPersonRollup(actor, person);
    add(pair);
    Object.assign(counts.get(pair) as TermCount, { actor: `R#actor#${actor}`, person: `R#person#${person}` });
  }
  if (analytics) analyticsOfEvent(item, keyValue, add, counts);
}

/** Partitions whose users are sketched (`usersSketched`: `R#all`, `R#<kind>#…`). */
const sketchesUsers = (partition: string) =>
  usersSketched.has((partition === 'R#all' ? 'all' : partition.split('#')[1]) as Tallied['kind']);

/** One event's analytics: its action × app pair counted, its user added to each sketched partition. */
function analyticsOfEvent(
  item: Record<string, unknown>,
  keyValue: (attribute: string) => string | undefined,
  add: (partition: string) => void,
  counts: Map<string, TermCount>,
) {
  const action = keyValue(termIndexes.action.attribute);
  const app = keyValue(termIndexes.authorized_app.attribute);
  const event = item.b instanceof Uint8Array ? decodeBody<Event>(item.b) : undefined;
  if (action !== undefined && app !== undefined) {
    const pair = actionAppPartition(action, app);
    add(pair);
    const count = counts.get(pair) as TermCount;
    count.app = (event?.context as Record<string, unknown> | undefined)?.authorized_application;
  }
  const user = event && userKey(event);
  if (user === undefined) return;
  const hash = userHash(user);
  const mine = new Set([
    'R#all',
    ...Object.entries(termIndexes)
      .filter(([kind]) => kind !== 'all')
      .flatMap(([kind, { attribute }]) => {
        const value = keyValue(attribute);
        return value === undefined ? [] : [`R#${kind}#${value}`];
      }),
    ...(action !== undefined && app !== undefined ? [actionAppPartition(action, app)] : []),
  ]);
  for (const partition of mine) {
    if (!sketchesUsers(partition)) continue;
    const count = counts.get(partition);
    if (!count) continue;
    count.users ??= new Set();
    count.users.add(hash);
  }
}
