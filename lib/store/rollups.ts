// Rollups: exact counts of each term per month, day and hour, with expiry histograms, written
// by the seal (docs/data-model.md). Key shapes:
//   rollup  pk R#<kind>#<value>  sk M#<yyyy-mm> | D#<yyyy-mm-dd> | H#<yyyy-mm-ddThh>
//           n (events), c<child> (events per day / hour of a month / day), e<unit> (events per
//           expiry day / hour), in hours e<expiry minute>_<mm> (events per expiry minute and
//           minute of creation), s (last sealed minute applied), ttl (after its last expiry)
//           compact month (no D or H items): n, f (entries), f<expiry minute>_<ddhhmm> (events per
//           expiry minute and minute of creation), s, ttl
//   listing pk R#<kind>#<value>  sk L#<epoch minute>#<chunk>  k (the minute's ids of the term, ascending,
//           240 to a chunk, 16 bytes each), ttl: written for a minute holding more than 8 of the term
//   actions: lib/store/actions-seen.ts, written with an action's first minute in a month
//   seal    pk SEAL  sk SEAL  through (last sealed minute), at, stable, lease, holder
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Tallied, UserSketch, userHash, userKey, usersSketched } from '../events/analytics.ts';
import type { Event } from '../events/event.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { recordAction, recordActionMonth } from './actions-seen.ts';
import { documents, getAll, putAll, queryItems, tableName } from './client.ts';
import { decodeBody } from './codec.ts';
import { conditionFailed, ignoreFailedCondition, type TransactItems, transactWrite } from './conflicts.ts';
import { actorPersonRollup, sortKeyBounds, termIndexes, timelineShards } from './event-keys.ts';

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

export type LevelTag = 'M' | 'D' | 'H';

/** A rollup level: its buckets, their children and the unit of its expiry histogram. */
export interface Level {
  readonly tag: LevelTag;
  /** The level below (null: minutes, which only hour items count). */
  readonly child: LevelTag | null;
  readonly expiryUnitMs: number;
  start(ms: number): number;
  end(start: number): number;
  sortKey(start: number): string;
  /** The `c…` attribute of the child bucket that holds `ms`. */
  childAttribute(ms: number): string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const two = (n: number) => String(n).padStart(2, '0');

export const levels: Readonly<Record<LevelTag, Level>> = {
  M: {
    tag: 'M',
    child: 'D',
    expiryUnitMs: dayMs,
    start: (ms) => {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    },
    end: (start) => {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    },
    sortKey: (start) => `M#${iso(start).slice(0, 7)}`,
    childAttribute: (ms) => `c${two(new Date(ms).getUTCDate())}`,
  },
  D: {
    tag: 'D',
    child: 'H',
    expiryUnitMs: hourMs,
    start: (ms) => Math.floor(ms / dayMs) * dayMs,
    end: (start) => start + dayMs,
    sortKey: (start) => `D#${iso(start).slice(0, 10)}`,
    childAttribute: (ms) => `c${two(new Date(ms).getUTCHours())}`,
  },
  H: {
    tag: 'H',
    child: null,
    expiryUnitMs: minuteMs,
    start: (ms) => Math.floor(ms / hourMs) * hourMs,
    end: (start) => start + hourMs,
    sortKey: (start) => `H#${iso(start).slice(0, 13)}`,
    childAttribute: (ms) => `c${two(new Date(ms).getUTCMinutes())}`,
  },
};

const childSpanMs: Record<LevelTag, number> = { M: dayMs, D: hourMs, H: minuteMs };

/** The start of the child bucket named by a `c…` attribute (days of a month count from 1). */
export const childStart = (level: Level, start: number, attribute: string) =>
  start + (Number(attribute.slice(1)) - (level.tag === 'M' ? 1 : 0)) * childSpanMs[level.tag];

/** The start (ms) of a bucket from its sort key. */
export function bucketStart(sortKey: string): number {
  const text = sortKey.slice(2);
  return Date.parse(text.length === 7 ? `${text}-01T00:00Z` : text.length === 10 ? `${text}T00:00Z` : `${text}:00Z`);
}

export interface Rollup {
  readonly n: number;
  /** Events per child bucket, by `c…` attribute (hours: per minute of creation, `c<mm>`). */
  readonly children: ReadonlyMap<string, number>;
  /** Events per expiry unit (epoch days, hours or minutes, by level); NaN: not kept, read the minute. */
  readonly expiries: ReadonlyMap<number, number>;
  /** Hours only: per `c<mm>`, events per expiry minute. */
  readonly minuteExpiries: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

const bump = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);

/**
 * Live events per expiry histogram, or null when some expire within the current unit (day,
 * hour or minute: look a level down, or read), or their expiries are not kept (`u`). Whether
 * an event is live is decided exactly.
 */
export function liveOf(expiries: ReadonlyMap<number, number>, unitMs: number, nowMs: number) {
  let live = 0;
  let allLive = true;
  for (const [unit, n] of expiries) {
    if (Number.isNaN(unit)) return null;
    const unitStart = unit * unitMs;
    if (unitStart > nowMs) live += n;
    else if (unitStart + unitMs <= nowMs) allLive = false;
    else return null;
  }
  return { live, allLive };
}

// ---- Compact months: a term's month in one item while it is small ----

/** Entries (expiry minute × minute of creation) a compact month holds: ~1 KB, one write unit. */
export const compactEntriesMax = 40;

/** One entry of a compact month: the events of a minute of creation by expiry minute (NaN: `u`). */
interface CompactEntry {
  readonly expiryMinute: number;
  readonly createdMs: number;
  readonly n: number;
}

const isCompact = (item: Record<string, unknown>) => typeof item.f === 'number';

/** The attribute of a compact entry: `f<expiry minute | u>_<ddhhmm>` of the minute of creation. */
function compactAttribute(expiryMinute: number | null, createdMs: number) {
  const d = new Date(createdMs);
  const when = `${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
  return `f${expiryMinute === null ? 'u' : expiryMinute}_${when}`;
}

function compactEntries(item: Record<string, unknown>): CompactEntry[] {
  const monthStart = bucketStart(item.sk as string);
  const entries: CompactEntry[] = [];
  for (const [name, value] of Object.entries(item)) {
    const entry = /^f(\d+|u)_(\d\d)(\d\d)(\d\d)$/.exec(name);
    if (!entry || typeof value !== 'number') continue;
    const [, unit = '', day = '', hour = '', minute = ''] = entry;
    const createdMs = monthStart + (Number(day) - 1) * dayMs + Number(hour) * hourMs + Number(minute) * minuteMs;
    entries.push({ expiryMinute: Number(unit), createdMs, n: value });
  }
  return entries;
}

/** The rollup of one bucket of `level` from compact entries, as its own item would hold it. */
function compactView(entries: readonly CompactEntry[], level: Level, start: number): Rollup {
  const end = level.end(start);
  const children = new Map<string, number>();
  const expiries = new Map<number, number>();
  const minuteExpiries = new Map<string, Map<number, number>>();
  let n = 0;
  for (const entry of entries) {
    if (entry.createdMs < start || entry.createdMs >= end) continue;
    n += entry.n;
    const child = level.childAttribute(entry.createdMs);
    bump(children, child, entry.n);
    bump(expiries, Math.floor((entry.expiryMinute * minuteMs) / level.expiryUnitMs), entry.n);
    if (level.tag === 'H') {
      const perUnit = minuteExpiries.get(child) ?? new Map<number, number>();
      minuteExpiries.set(child, bump(perUnit, entry.expiryMinute, entry.n));
    }
  }
  return { n, children, expiries, minuteExpiries };
}

/** The buckets of `level` a compact month holds events in, each with its rollup. */
function compactBuckets(item: Record<string, unknown>, level: Level): Map<number, Rollup> {
  const entries = compactEntries(item);
  const starts = new Set(entries.map((entry) => level.start(entry.createdMs)));
  return new Map([...starts].map((start) => [start, compactView(entries, level, start)]));
}

export function rollupOf(item: Record<string, unknown>): Rollup {
  if (isCompact(item)) return compactView(compactEntries(item), levels.M, bucketStart(item.sk as string));
  const children = new Map<string, number>();
  const expiries = new Map<number, number>();
  const minuteExpiries = new Map<string, Map<number, number>>();
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    // `u`: events of a minute whose expiries are not kept (NaN: no reader decides it).
    const pair = /^e(\d+|u)_(\d\d)$/.exec(name);
    if (pair) {
      const [, unit = '', minute = ''] = pair;
      const child = `c${minute}`;
      const perUnit = minuteExpiries.get(child) ?? new Map<number, number>();
      minuteExpiries.set(child, bump(perUnit, Number(unit), value));
      bump(children, child, value);
      bump(expiries, Number(unit), value);
    } else if (/^c\d\d$/.test(name)) children.set(name, value);
    else if (/^e(\d+|u)$/.test(name)) expiries.set(Number(name.slice(1)), value);
  }
  return { n: typeof item.n === 'number' ? item.n : 0, children, expiries, minuteExpiries };
}

/** The rollups of one term's level between two bucket starts (inclusive). */
export async function readRollups(
  partition: string,
  level: Level,
  fromStart: number,
  toStart: number,
): Promise<Map<number, Rollup>> {
  const found = new Map<number, Rollup>();
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': partition, ':a': level.sortKey(fromStart), ':b': level.sortKey(toStart) },
  })) {
    found.set(bucketStart(item.sk as string), rollupOf(item));
  }
  if (level.tag === 'M') return found;
  // A compact month has no day or hour items: where a month shows none, its month item holds them.
  const month = levels.M;
  const bare: number[] = [];
  for (let start = month.start(fromStart); start <= toStart; start = month.end(start)) {
    if (![...found.keys()].some((bucket) => month.start(bucket) === start)) bare.push(start);
  }
  if (bare.length === 0) return found;
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: {
      ':pk': partition,
      ':a': month.sortKey(bare[0] as number),
      ':b': month.sortKey(bare.at(-1) as number),
    },
  })) {
    if (!isCompact(item)) continue;
    for (const [start, rollup] of compactBuckets(item, level)) {
      if (start >= fromStart && start <= toStart) found.set(start, rollup);
    }
  }
  return new Map([...found].sort(([a], [b]) => a - b));
}

// ---- The seal ----

const sealKey = { pk: 'SEAL', sk: 'SEAL' };
const leaseMs = 5 * minuteMs;

/** The last sealed minute (epoch minutes) readers may rely on, or null before the first seal. */
export async function sealedThrough(): Promise<number | null> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: sealKey }));
  if (!Item || typeof Item.through !== 'number') return null;
  // Rollups written in the last seconds may not yet show in eventually consistent reads.
  return Date.now() - (Item.at as number) >= 5_000 ? Item.through : (Item.stable as number);
}

export interface SealOptions {
  nowMs: number;
  /** How old a minute must be before it is sealed: longer than any ingest takes. */
  delayMs: number;
  /** Stop before this time (the rest is sealed by the next run). */
  untilMs?: number;
  /** At most this many minutes in one run. */
  maxMinutes?: number;
}

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

/** Seals every minute older than the delay, in order; returns how many it sealed. */
export async function sealMinutes(options: SealOptions): Promise<number> {
  const holder = randomUUID();
  const mark = await takeLease(holder, options.nowMs);
  if (!mark) return 0;
  // The last minute old enough: its end plus the delay has passed.
  const last = Math.floor((options.nowMs - options.delayMs) / minuteMs) - 1;
  const stable = mark.through ?? Math.min(last, (await nextEventMinute(0)) - 1);
  const advance = (minute: number) =>
    documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: sealKey,
        // Each step renews the lease: a long run (a backlog) keeps it while it makes progress.
        UpdateExpression: 'SET through = :m, #at = :at, stable = :stable, lease = :until',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: {
          ':m': minute,
          ':at': Date.now(),
          ':stable': stable,
          ':holder': holder,
          ':until': Date.now() + leaseMs,
        },
      }),
    );
  let through = stable;
  let sealed = 0;
  try {
    if (mark.through === undefined) await advance(through);
    while (
      through < last &&
      sealed < (options.maxMinutes ?? Number.POSITIVE_INFINITY) &&
      Date.now() < (options.untilMs ?? Number.POSITIVE_INFINITY)
    ) {
      let minute = through + 1;
      const counts = await countMinute(minute);
      // An empty minute seals the whole empty stretch up to the next event.
      if (counts.size === 0) minute = Math.min(last, (await nextEventMinute(minute + 1)) - 1);
      else await applyMinute(minute, counts);
      await advance(minute);
      through = minute;
      sealed++;
    }
  } finally {
    await ignoreFailedCondition(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sealKey,
          UpdateExpression: 'REMOVE lease, holder',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      ),
    );
  }
  return sealed;
}

async function takeLease(holder: string, nowMs: number): Promise<{ through?: number } | null> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: sealKey,
        UpdateExpression: 'SET lease = :until, holder = :holder',
        ConditionExpression: 'attribute_not_exists(lease) OR lease < :now',
        ExpressionAttributeValues: { ':until': nowMs + leaseMs, ':holder': holder, ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { through: typeof Attributes?.through === 'number' ? Attributes.through : undefined };
  } catch (error) {
    if (conditionFailed(error)) return null;
    throw error;
  }
}

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

/** Events per term (by rollup partition) in one minute, read once from the table's timeline. */
const countMinute = (minute: number) => countEvents(minute * minuteMs, (minute + 1) * minuteMs);

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

/** Adds one minute's counts to each term's hour, day and month, at most once per minute. */
async function applyMinute(minute: number, counts: Map<string, TermCount>) {
  // Listings first: a reader trusts them once the seal mark says the minute is sealed, and a
  // rerun writes the same chunks again.
  await putAll([...counts].flatMap(([partition, count]) => listingItems(partition, minute, count)));
  const ms = minute * minuteMs;
  // Each term's month item tells its form: compact (one write for the minute) or plain (three).
  const monthKey = (partition: string) => ({ pk: partition, sk: levels.M.sortKey(levels.M.start(ms)) });
  const months = new Map(
    (await getAll([...counts.keys()].map(monthKey), { consistent: true })).map((item) => [item.pk as string, item]),
  );
  const updates: (() => Promise<void>)[] = [];
  for (const [partition, count] of counts) {
    updates.push(() => addMinute(partition, ms, minute, count, months.get(partition)));
  }
  // A few at a time: each is one small UpdateItem.
  for (const [partition, count] of counts) {
    if (!count.users?.size) continue;
    for (const tag of ['D', 'M'] as const) updates.push(() => addUsers(partition, tag, ms, minute, count));
  }
  const workers = Array.from({ length: 16 }, async () => {
    for (let next = updates.shift(); next; next = updates.shift()) await next();
  });
  await Promise.all(workers);
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

/** Adds a term's minute to its rollups: to a compact month while it has room, else to hour, day and month. */
async function addMinute(
  partition: string,
  ms: number,
  minute: number,
  count: TermCount,
  month: Record<string, unknown> | undefined,
) {
  if (typeof month?.s === 'number' && month.s >= minute) return; // applied already (a rerun)
  const kept = !undecided(count, minute);
  const entries = new Map<string, number>();
  if (!kept) entries.set(compactAttribute(null, ms), count.n);
  else for (const [expiryMinute, n] of count.expiries) entries.set(compactAttribute(expiryMinute, ms), n);
  if (!month || (isCompact(month) && (month.f as number) + entries.size <= compactEntriesMax)) {
    await addToCompactMonth(partition, ms, minute, count, entries);
    return;
  }
  if (isCompact(month)) await expandMonth(month);
  for (const level of Object.values(levels)) await addToRollup(partition, level, ms, minute, count, kept);
}

/** Adds a term's minute to its compact month: one UpdateItem, conditioned on the form the seal read. */
async function addToCompactMonth(
  partition: string,
  ms: number,
  minute: number,
  count: TermCount,
  entries: ReadonlyMap<string, number>,
) {
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, unknown> = {
    ':n': count.n,
    ':k': entries.size,
    ':room': compactEntriesMax - entries.size,
    ':m': minute,
    ':ttl': oneDayAfter(count),
  };
  const adds = ['n :n', 'f :k'];
  [...entries].forEach(([attribute, n], i) => {
    names[`#f${i}`] = attribute;
    values[`:f${i}`] = n;
    adds.push(`#f${i} :f${i}`);
  });
  const key = { pk: partition, sk: levels.M.sortKey(levels.M.start(ms)) };
  const { Attributes } = await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: `ADD ${adds.join(', ')} SET s = :m, #ttl = if_not_exists(#ttl, :ttl)`,
      // Read consistently just before by the one sealer holding the lease: a refusal fails the run, to be seen.
      ConditionExpression: '(attribute_not_exists(s) OR s < :m) AND (attribute_not_exists(n) OR f <= :room)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  await afterMonthWrite(partition, key, Attributes, count, ms);
}

/** A rollup's attributes in the plain form of its level (hours by expiry minute and minute of creation). */
function plainAttributes(level: Level, rollup: Rollup): Record<string, number> {
  const unit = (value: number) => (Number.isNaN(value) ? 'u' : String(value));
  const attributes: Record<string, number> = { n: rollup.n };
  if (level.tag === 'H') {
    for (const [child, perUnit] of rollup.minuteExpiries) {
      for (const [expiryMinute, n] of perUnit) attributes[`e${unit(expiryMinute)}_${child.slice(1)}`] = n;
    }
    return attributes;
  }
  for (const [child, n] of rollup.children) attributes[child] = n;
  for (const [expiry, n] of rollup.expiries) attributes[`e${unit(expiry)}`] = n;
  return attributes;
}

/**
 * A compact month that would outgrow its item becomes plain: its hour and day items and the
 * month's plain form, written in one transaction (≤ 40 hours + 31 days + 1), as if it had
 * always been plain. The month's `s` stays: the minute at hand is applied after, as to any plain month.
 */
async function expandMonth(month: Record<string, unknown>) {
  const { pk, s: sealed, ttl, f } = month;
  const items: TransactItems = (['H', 'D'] as const).flatMap((tag) =>
    [...compactBuckets(month, levels[tag])].map(([start, rollup]) => ({
      Put: {
        TableName: tableName,
        Item: { pk, sk: levels[tag].sortKey(start), ...plainAttributes(levels[tag], rollup), s: sealed, ttl },
      },
    })),
  );
  items.push({
    Put: {
      TableName: tableName,
      Item: { pk, sk: month.sk, ...plainAttributes(levels.M, rollupOf(month)), s: sealed, ttl },
      ConditionExpression: 'f = :f AND s = :s',
      ExpressionAttributeValues: { ':f': f, ':s': sealed },
    },
  });
  await transactWrite(items);
}

/** Adds a term's minute to one level's bucket; `kept`: its expiries go into the histogram (else as `u`). */
async function addToRollup(
  partition: string,
  level: Level,
  ms: number,
  minute: number,
  count: TermCount,
  kept: boolean,
) {
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, unknown> = { ':n': count.n, ':m': minute, ':ttl': oneDayAfter(count) };
  const adds = ['n :n'];
  // Hours count per expiry minute and minute of creation; days and months per child and unit.
  const child = level.childAttribute(ms);
  const perUnit = new Map<string, number>();
  const unitOf = (expiryMinute: number | null) => {
    const unit = expiryMinute === null ? 'u' : Math.floor((expiryMinute * minuteMs) / level.expiryUnitMs);
    return level.tag === 'H' ? `e${unit}_${child.slice(1)}` : `e${unit}`;
  };
  if (!kept) bump(perUnit, unitOf(null), count.n);
  else for (const [expiryMinute, n] of count.expiries) bump(perUnit, unitOf(expiryMinute), n);
  if (level.tag !== 'H') {
    names['#c'] = child;
    adds.push('#c :n');
  }
  let i = 0;
  for (const [attribute, n] of perUnit) {
    names[`#e${i}`] = attribute;
    values[`:e${i}`] = n;
    adds.push(`#e${i} :e${i}`);
    i++;
  }
  const key = { pk: partition, sk: level.sortKey(level.start(ms)) };
  // s ≥ this minute: applied already (a rerun after a crash); a later ttl is fine too.
  await ignoreFailedCondition(
    (async () => {
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `ADD ${adds.join(', ')} SET s = :m, #ttl = if_not_exists(#ttl, :ttl)`,
          ConditionExpression: 'attribute_not_exists(s) OR s < :m',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (level.tag === 'M') await afterMonthWrite(partition, key, Attributes, count, ms);
      else await raiseTtl(key, Attributes, count);
    })(),
  );
}

/** After a minute went into a term's month: its first minute there records the action (or the app). */
async function afterMonthWrite(
  partition: string,
  key: Record<string, unknown>,
  attributes: Record<string, unknown> | undefined,
  count: TermCount,
  ms: number,
) {
  if (attributes?.n === count.n && partition.startsWith(actionPartitionPrefix)) {
    const action = partition.slice(actionPartitionPrefix.length);
    await recordAction(action, oneDayAfter(count));
    await recordActionMonth(action, ms, oneDayAfter(count));
  }
  if (attributes?.n === count.n && partition.startsWith(actionAppPrefix)) {
    await recordApp(partition, count, oneDayAfter(count));
  }
  await raiseTtl(key, attributes, count);
}

/** The rollup lives until its last event expires (rare: a later minute holds a later expiry). */
async function raiseTtl(
  key: Record<string, unknown>,
  attributes: Record<string, unknown> | undefined,
  count: TermCount,
) {
  if (!((attributes?.ttl as number) < oneDayAfter(count))) return;
  await ignoreFailedCondition(
    documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #ttl = :ttl',
        ConditionExpression: '#ttl < :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':ttl': oneDayAfter(count) },
      }),
    ),
  );
}

const actionPartitionPrefix = 'R#action#';

// ---- Listings: where an offset falls inside one busy minute ----

/**
 * A term's minute with more events than this is listed; fewer are skipped by reading. A term
 * without an index of its own (an actor and person pair, a brand, a model app or name) is listed every minute.
 */
export const listedAbove = 8;
const everyMinuteListed = [
  'R#actor_person#',
  ...Object.entries(termIndexes).flatMap(([kind, { index }]) => (index === undefined ? [`R#${kind}#`] : [])),
];
export const listsEvery = (partition: string) => everyMinuteListed.some((prefix) => partition.startsWith(prefix));
/** Ids per listing chunk: 192 of 16 bytes with their 4-byte expiries stay within 4 KB (one read unit, four write units). */
const idsPerChunk = 192;
const canonicalId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A chunk's ids, 16 bytes each; as text (36 characters each) if one is not a canonical UUID. */
function packIds(ids: readonly string[]): Uint8Array | string {
  if (!ids.every((id) => canonicalId.test(id))) return ids.join('');
  return Buffer.from(ids.map((id) => id.replaceAll('-', '')).join(''), 'hex');
}

function unpackIds(packed: unknown): string[] {
  if (typeof packed === 'string') {
    return Array.from({ length: packed.length / 36 }, (_, i) => packed.slice(i * 36, (i + 1) * 36));
  }
  if (!(packed instanceof Uint8Array)) return [];
  const hex = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('hex');
  return Array.from({ length: hex.length / 32 }, (_, i) => {
    const h = hex.slice(i * 32, (i + 1) * 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  });
}

/** Expiries (epoch seconds), 4 bytes each; one past 2106 is kept as 2106 (live until then, as it is). */
function packTtls(ttls: readonly number[]): Uint8Array {
  const bytes = Buffer.alloc(ttls.length * 4);
  for (const [i, ttl] of ttls.entries()) bytes.writeUInt32BE(Math.min(ttl, 0xffffffff), i * 4);
  return bytes;
}

function unpackTtls(packed: unknown): number[] {
  if (!(packed instanceof Uint8Array)) return [];
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readUInt32BE(i * 4));
}

/** A listed event: its id and its expiry (epoch seconds). */
export interface ListedEntry {
  readonly id: string;
  readonly ttl: number;
}

/** A count's entries in id order. */
export const entriesOf = (count: Pick<TermCount, 'ids' | 'ttls'>): ListedEntry[] =>
  count.ids.map((id, i) => ({ id, ttl: count.ttls[i] as number })).sort((a, b) => (a.id < b.id ? -1 : 1));

const listingKey = (partition: string, minute: number, chunk: number) => ({
  pk: partition,
  sk: `L#${minute}#${String(chunk).padStart(5, '0')}`,
});

function listingItems(partition: string, minute: number, count: TermCount): Record<string, unknown>[] {
  if ((count.n <= listedAbove && !listsEvery(partition)) || partition.startsWith(actionAppPrefix)) return [];
  return listingChunks(partition, minute, entriesOf(count), oneDayAfter(count), 0);
}

/** The listing chunks of a term's minute from chunk `fromChunk` on, its entries given in id order. */
export function listingChunks(
  partition: string,
  minute: number,
  entries: readonly ListedEntry[],
  ttl: number,
  fromChunk: number,
): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let i = fromChunk * idsPerChunk; i < entries.length; i += idsPerChunk) {
    const chunk = entries.slice(i, i + idsPerChunk);
    items.push({
      ...listingKey(partition, minute, i / idsPerChunk),
      k: packIds(chunk.map((entry) => entry.id)),
      t: packTtls(chunk.map((entry) => entry.ttl)),
      ttl,
    });
  }
  return items;
}

/** The chunk holding the listing position `position`. */
export const chunkOf = (position: number) => Math.floor(position / idsPerChunk);

const idsOf = (item: Record<string, unknown> | undefined) => unpackIds(item?.k);

/**
 * The ids at ascending positions `from`..`to` (inclusive) among a sealed minute's events of one
 * term, read from the chunks holding them (one Query); empty when the minute is not listed (it
 * holds at most `listedAbove` of the term).
 */
export async function listedRange(
  partition: string,
  minute: number,
  from: number,
  to: number,
  consistent = false,
): Promise<string[]> {
  const first = Math.floor(from / idsPerChunk);
  const ids: string[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: {
      ':pk': partition,
      ':a': listingKey(partition, minute, first).sk,
      ':b': listingKey(partition, minute, Math.floor(to / idsPerChunk)).sk,
    },
    ConsistentRead: consistent,
  })) {
    ids.push(...idsOf(item));
  }
  return ids.slice(from - first * idsPerChunk, to - first * idsPerChunk + 1);
}

/**
 * Every listed entry of a term's minute in id order, or null when the minute is not listed or
 * needs more than `maxChunks` chunks; `chunks.read` counts the chunks read.
 */
export async function listedEntries(
  partition: string,
  minute: number,
  maxChunks: number,
  chunks: { read: number },
  consistent = false,
): Promise<ListedEntry[] | null> {
  const entries: ListedEntry[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
    ExpressionAttributeValues: { ':pk': partition, ':l': `L#${minute}#` },
    ConsistentRead: consistent,
  })) {
    if (++chunks.read > maxChunks) return null;
    const ttls = unpackTtls(item.t);
    entries.push(...idsOf(item).map((id, i) => ({ id, ttl: ttls[i] as number })));
  }
  return entries.length === 0 ? null : entries;
}

/**
 * A sealed minute's listed ids of one term in order, one chunk per request as the caller goes
 * (nothing when it is not listed); `chunks.read` counts the chunks read.
 */
export async function* listedInOrder(
  partition: string,
  minute: number,
  ascending: boolean,
  chunks: { read: number },
  consistent = false,
): AsyncGenerator<string> {
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
    ExpressionAttributeValues: { ':pk': partition, ':l': `L#${minute}#` },
    ScanIndexForward: ascending,
    Limit: 1,
    ConsistentRead: consistent,
  })) {
    chunks.read++;
    const ids = idsOf(item);
    yield* ascending ? ids : ids.reverse();
  }
}

// ---- Analytics (lib/events/analytics.ts, docs/data-model.md "Analytics") ----
// Kept by the same minute pass as the rollups, with the same rerun rule (`s < minute`):
//   pair     pk R#action_app#<[action key, app key]>  rollups like any term (no listings)
//   app      pk R#action#<action key>  sk A#<app key>  app (the application object, JSON), ttl
//   users    pk <partition>  sk U#D#<yyyy-mm-dd> | U#M#<yyyy-mm>  u | h (UserSketch), s, ttl

export const actionAppPrefix = 'R#action_app#';

/** The pair partition of an action and an application pk, from their values as keys hold them. */
export function actionAppPartition(actionKey: string, appKey: string): string {
  const pair = JSON.stringify([actionKey, appKey]);
  return `${actionAppPrefix}${Buffer.byteLength(pair) <= 512 ? pair : `~${createHash('sha256').update(pair).digest('hex')}`}`;
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

/** The sort key of a day's or a month's user sketch. */
export const usersSortKey = (tag: 'D' | 'M', start: number) => `U#${levels[tag].sortKey(start)}`;

/** Adds a minute's users to a day's or month's sketch, once: a read, a merge, a put conditioned on `s < minute`. */
async function addUsers(partition: string, tag: 'D' | 'M', ms: number, minute: number, count: TermCount) {
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

/** Records an action's application (with a month's first minute of the pair), living as long as its events. */
async function recordApp(partition: string, count: TermCount, ttl: number) {
  const [actionKey, appKey] = JSON.parse(
    partition.slice(actionAppPrefix.length).startsWith('~') ? '[]' : partition.slice(actionAppPrefix.length),
  ) as string[];
  if (actionKey === undefined || appKey === undefined) return;
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: `${actionPartitionPrefix}${actionKey}`, sk: `A#${appKey}` },
      UpdateExpression: 'SET app = :app, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':app': JSON.stringify(count.app ?? { pk: appKey }), ':ttl': ttl },
    }),
  );
}
