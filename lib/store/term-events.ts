// A term's events read from its index shards (or the timeline), merged in sort-key order, as far
// as the caller goes; every item read is charged to the request's read budget.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LogOrder, TimeRange } from '../events/event-log.ts';
import type { Term } from '../events/terms.ts';
import { documents, tableName } from './client.ts';
import { type PairVia, sortKeyBounds, type TermSource, termSources } from './event-keys.ts';
import { trackedAbove } from './live-seal.ts';

/**
 * Events read beyond the page (past it, counts are estimated and deep pages refused), and the
 * listing chunks one minute's merge of several terms may read (past them, the skip is read).
 */
export class ReadBudget {
  read = 0;
  /** Listing chunks read to decide minutes the histograms do not ("Expiry"). */
  readonly chunks = { read: 0 };
  constructor(
    readonly limit: number,
    readonly listingChunks: number,
  ) {}
  spend(items: number) {
    this.read += items;
  }
  get exhausted() {
    return this.read >= this.limit;
  }
}

/**
 * For reads bounded by what they read (a term's minute the listings or the live seal leave out:
 * ≤ `listedAbove` or `trackedAbove` events), which the request's budget does not pay for.
 */
export const unbudgeted = () => new ReadBudget(Number.POSITIVE_INFINITY, 0);

/** One request's clock and read budget, handed to each read it makes. */
export interface ReadScope {
  readonly nowMs: number;
  readonly budget: ReadBudget;
}

/** A request's read of its terms, in one order. */
export interface LogRead extends ReadScope {
  readonly terms: readonly Term[];
  readonly order: LogOrder;
}

/** Counts, by reading, an open minute's stretch the live seal has not written (≤ `trackedAbove` events a term). */
export async function countUnwritten(
  terms: readonly Term[],
  stretch: TimeRange & { readonly via?: PairVia },
  nowMs: number,
) {
  let count = 0;
  const read = {
    terms,
    range: stretch,
    order: 'oldest',
    nowMs,
    budget: unbudgeted(),
    expected: trackedAbove + 1,
  } as const;
  for await (const _ of termEvents(read)) count++;
  return count;
}

type Item = Record<string, unknown>;

/** Inclusive sort-key bounds of a read. */
interface KeyBounds {
  readonly low: string;
  readonly high: string;
}

/** A read of one partition: its bounds and order, the clock (epoch seconds), the budget, the first page's size. */
interface PartitionRead {
  readonly bounds: KeyBounds;
  readonly order: LogOrder;
  readonly nowSeconds: number;
  readonly budget: ReadBudget;
  readonly firstLimit: number;
}

async function* partitionItems(
  { index, attribute, partition, filter }: TermSource,
  { bounds: { low, high }, order, nowSeconds, budget, firstLimit }: PartitionRead,
): AsyncGenerator<Item> {
  let start: Item | undefined;
  let limit = firstLimit;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        ...(index !== null && { IndexName: index }),
        KeyConditionExpression: '#k = :k AND sk BETWEEN :a AND :b',
        FilterExpression: filter ? '#ttl > :now AND #f = :f' : '#ttl > :now',
        ExpressionAttributeNames: { '#k': attribute, '#ttl': 'ttl', ...(filter && { '#f': filter.attribute }) },
        ExpressionAttributeValues: {
          ':k': partition,
          ':a': low,
          ':b': high,
          ':now': nowSeconds,
          ...(filter && { ':f': filter.value }),
        },
        ScanIndexForward: order === 'oldest',
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    // Expired and filtered-out items read count now; the others when the merge takes them (prefetch is bounded).
    budget.spend((page.ScannedCount ?? 0) - (page.Count ?? 0));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
    limit = Math.min(limit * 2, 1000);
  } while (start);
}

export interface PlannedEvent {
  readonly id: string;
  readonly partition: string;
  /** The item, where planning read it (an unlisted stretch of a term without an index). */
  readonly item?: Item;
}

/** Where a page starts inside a sealed minute, and its first events there, from the listings. */
export interface PagePlan {
  /** The page's first event. */
  readonly startId: string;
  /** The page's events from there on, in order, with the index partition each is in. */
  readonly ids: readonly PlannedEvent[];
  /** `ids` is the whole page: each partition is read to its last page event and no further. */
  readonly complete: boolean;
}

/** A read of the terms' events in a range; `expected`: how many the caller may take (it sizes the first pages). */
interface TermRead extends LogRead {
  readonly range: TimeRange & { readonly via?: PairVia };
  readonly expected: number;
  readonly plan?: PagePlan | undefined;
}

/**
 * Every unexpired event of the terms in the range, in order, read as far as the caller goes;
 * with a plan, from its first event on, each partition asked for what the plan says it holds.
 */
export async function* termEvents({
  terms,
  range,
  order,
  nowMs,
  budget,
  expected,
  plan,
}: TermRead): AsyncGenerator<Item> {
  if (range.from >= range.to) return;
  const nowSeconds = Math.floor(nowMs / 1000);
  const timeBounds = sortKeyBounds(range.from, range.to);
  const bounds = !plan
    ? timeBounds
    : order === 'newest'
      ? { ...timeBounds, high: plan.startId }
      : { ...timeBounds, low: plan.startId };
  const known = new Map<string, { n: number; last: string }>();
  for (const { id, partition } of plan?.ids ?? [])
    known.set(partition, { n: (known.get(partition)?.n ?? 0) + 1, last: id });
  const sources = terms.flatMap((term) => termSources(term, range.via));
  const unknown = Math.max(0, expected - (plan?.ids.length ?? 0));
  const guess = Math.max(4, Math.min(1000, Math.ceil(unknown / sources.length) + 2));
  const shared = { order, nowSeconds, budget };
  const streams = sources.flatMap((source) => {
    const mine = known.get(source.partition);
    if (plan?.complete) {
      if (!mine) return [];
      const last = order === 'newest' ? { low: mine.last } : { high: mine.last };
      return [partitionItems(source, { ...shared, bounds: { ...bounds, ...last }, firstLimit: mine.n + 1 })];
    }
    return [partitionItems(source, { ...shared, bounds, firstLimit: (mine?.n ?? 0) + guess })];
  });
  for await (const item of merged(streams, (item) => item.sk as string, order === 'oldest')) {
    budget.spend(1);
    yield item;
  }
}

/** Streams each in id order, merged into one (ascending, or descending). */
export async function* merged<T>(
  streams: readonly AsyncGenerator<T>[],
  idOf: (value: T) => string,
  ascending: boolean,
): AsyncGenerator<T> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  const before = ascending ? (a: string, b: string) => a < b : (a: string, b: string) => a > b;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head && !head.done && (best < 0 || before(idOf(head.value), idOf(heads[best]?.value as T)))) best = i;
    }
    if (best < 0) return;
    yield (heads[best] as IteratorYieldResult<T>).value;
    heads[best] = await (streams[best] as AsyncGenerator<T>).next();
  }
}
