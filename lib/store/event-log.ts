// Reading the event log at any size (docs/data-model.md): counts from the rollups plus the
// unsealed tail, pages from the term's index shards, merged newest (or oldest) first, starting
// where the rollups say the offset falls. Every read is charged to the request's budget.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../errors.ts';
import type { Event } from '../events/event.ts';
import type { EventLog, EventLogQuery, FoundEvents, LogOrder, TimeRange } from '../events/event-log.ts';
import { actorPersonOf, type Term } from '../events/terms.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { actionsSeen } from './actions-seen.ts';
import { documents, tableName } from './client.ts';
import { decodeBody } from './codec.ts';
import {
  type PairVia,
  rollupPartition,
  sortKeyBounds,
  sourceOf,
  type TermSource,
  termSources,
  unindexed,
} from './event-keys.ts';
import { eventStore } from './events.ts';
import { listedAbove, listedEntries, listedInOrder, listedRange } from './listings.ts';
import { type LiveMark, liveMark, type Provisional, provisionalMinutes, trackedAbove } from './live-seal.ts';
import { childStart, type Level, type LevelTag, levels, liveOf, type Rollup, readRollups } from './rollups.ts';
import { sealedThrough } from './seal.ts';

const minuteMs = 60_000;
/** Past the live mark, more events than this end the answer `newestCutMs` ago ("The live log"). */
const newestReadAbove = 64;
const newestCutMs = 1_000;

/**
 * Events read beyond the page (past it, counts are estimated and deep pages refused), and the
 * listing chunks one minute's merge of several terms may read (past them, the skip is read).
 */
class ReadBudget {
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
const unbudgeted = () => new ReadBudget(Number.POSITIVE_INFINITY, 0);

/** One request's clock and read budget, handed to each read it makes. */
interface ReadScope {
  readonly nowMs: number;
  readonly budget: ReadBudget;
}

/** A request's read of its terms, in one order. */
interface LogRead extends ReadScope {
  readonly terms: readonly Term[];
  readonly order: LogOrder;
}

/** Counts, by reading, an open minute's stretch the live seal has not written (≤ `trackedAbove` events a term). */
async function countUnwritten(terms: readonly Term[], stretch: TimeRange & { readonly via?: PairVia }, nowMs: number) {
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

// ---- Streams: one term's index shards, merged in sort-key order ----

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

interface PlannedEvent {
  readonly id: string;
  readonly partition: string;
  /** The item, where planning read it (an unlisted stretch of a term without an index). */
  readonly item?: Item;
}

/** Where a page starts inside a sealed minute, and its first events there, from the listings. */
interface PagePlan {
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
async function* termEvents({ terms, range, order, nowMs, budget, expected, plan }: TermRead): AsyncGenerator<Item> {
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
async function* merged<T>(
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

// ---- Segments: the range cut where the rollups answer, oldest first ----

interface Segment {
  readonly from: number;
  readonly to: number;
  /** A rollup bucket (refinable), a minute (counted), or a stretch that is counted by reading. */
  readonly kind: LevelTag | 'minute' | 'read';
  count: number;
  /** Counted already (a provisional minute): not read again to count. */
  readonly counted?: boolean;
  /** The epoch minute whose listings hold every event of the segment's terms (sealed, or up to the live mark). */
  readonly minute?: number;
  /** A minute the live seal keeps: its listings change with every pass, so they are read consistently. */
  readonly open?: boolean;
  /** Its live events in id order, from those listings (a minute the histograms do not decide). */
  live?: PlannedEvent[];
  /** An actor and person pair read through its person's index (an open minute of a busy actor). */
  readonly via?: PairVia;
  /** An open minute where no term is tracked: ≤ `trackedAbove` events per term, read whatever the budget. */
  readonly bounded?: boolean;
  /** An open minute: per term, where its listing ends (the rest is read), or null: not listed. */
  readonly listedTo?: readonly (number | null)[];
  readonly rollup?: Rollup;
  /** Every event of the bucket is live, so its children's counts are live counts. */
  readonly allLive?: boolean;
}

function combine(rollups: (Rollup | undefined)[]): Rollup | undefined {
  const present = rollups.filter((r): r is Rollup => r !== undefined);
  if (present.length <= 1) return present[0];
  const children = new Map<string, number>();
  const expiries = new Map<number, number>();
  const minuteExpiries = new Map<string, Map<number, number>>();
  let n = 0;
  for (const r of present) {
    n += r.n;
    for (const [k, v] of r.children) children.set(k, (children.get(k) ?? 0) + v);
    for (const [k, v] of r.expiries) expiries.set(k, (expiries.get(k) ?? 0) + v);
    for (const [child, perUnit] of r.minuteExpiries) {
      const sum = minuteExpiries.get(child) ?? new Map<number, number>();
      for (const [k, v] of perUnit) sum.set(k, (sum.get(k) ?? 0) + v);
      minuteExpiries.set(child, sum);
    }
  }
  return { n, children, expiries, minuteExpiries };
}

const liveCount = (level: Level, rollup: Rollup, nowMs: number) => liveOf(rollup.expiries, level.expiryUnitMs, nowMs);

async function expand(terms: readonly Term[], tag: LevelTag, clip: TimeRange, nowMs: number): Promise<Segment[]> {
  const level = levels[tag];
  if (clip.from >= clip.to) return [];
  const first = level.start(clip.from);
  const last = level.start(clip.to - 1);
  const perTerm = await Promise.all(terms.map((term) => readRollups(rollupPartition(term), level, first, last)));
  const starts = [...new Set(perTerm.flatMap((found) => [...found.keys()]))].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (const start of starts) {
    const rollup = combine(perTerm.map((found) => found.get(start)));
    if (!rollup || rollup.n === 0) continue;
    const end = level.end(start);
    const part = { from: Math.max(start, clip.from), to: Math.min(end, clip.to) };
    const whole = part.from === start && part.to === end;
    const live = liveCount(level, rollup, nowMs);
    if (whole && live) {
      if (live.live > 0) segments.push({ ...part, kind: tag, count: live.live, rollup, allLive: live.allLive });
    } else if (level.child) {
      segments.push(...(await expand(terms, level.child, part, nowMs)));
    } else {
      segments.push(...minutes(level, rollup, part, nowMs));
    }
  }
  return segments;
}

/** The minutes of an hour, counted; a partly covered one or one with events expiring now is read. */
function minutes(level: Level, rollup: Rollup, part: TimeRange, nowMs: number): Segment[] {
  const segments: Segment[] = [];
  for (let from = Math.floor(part.from / minuteMs) * minuteMs; from < part.to; from += minuteMs) {
    const child = level.childAttribute(from);
    if (!rollup.children.get(child)) continue;
    const to = from + minuteMs;
    const live = liveOf(rollup.minuteExpiries.get(child) ?? new Map(), minuteMs, nowMs);
    const minute = from / minuteMs;
    if (from < part.from || to > part.to) {
      segments.push({ from: Math.max(from, part.from), to: Math.min(to, part.to), kind: 'read', count: 0 });
    } else if (!live) segments.push({ from, to, kind: 'read', count: 0, minute });
    else if (live.live > 0)
      segments.push({ from, to, kind: 'minute', count: live.live, allLive: live.allLive, minute });
  }
  return segments;
}

/** A rollup bucket cut one level down (by its children's counts where they are live counts). */
async function refine(terms: readonly Term[], segment: Segment, nowMs: number): Promise<Segment[]> {
  const level = levels[segment.kind as LevelTag];
  const rollup = segment.rollup as Rollup;
  if (!level.child) return minutes(level, rollup, segment, nowMs);
  if (!segment.allLive) return expand(terms, level.child, segment, nowMs);
  // Children are named by their `c…` attribute; their own rollups are read only when needed.
  const child = levels[level.child];
  return [...rollup.children]
    .filter(([, count]) => count > 0)
    .map(([attribute, count]): Segment => {
      const from = childStart(level, segment.from, attribute);
      return { from, to: child.end(from), kind: child.tag, count };
    })
    .sort((a, b) => a.from - b.from);
}

// ---- Listings: the event at a position inside one sealed minute ----

/** One term without an index of its own: its pages are fetched by id from its listings. */
const isUnindexed = (terms: readonly Term[]) => terms.length === 1 && unindexed(terms[0] as Term);

/** A minute whose live events the listings name with their expiries (`liveListed`). */
const partlyLive = (segment: Segment) =>
  segment.live !== undefined || (segment.kind === 'minute' && !segment.allLive && segment.minute !== undefined);

/** A segment the listings answer: a whole, sealed, live minute holding enough of the terms. */
const listable = (terms: readonly Term[], segment: Segment) =>
  segment.kind === 'minute' && segment.allLive === true && (segment.count > listedAbove || isUnindexed(terms));

interface Position {
  readonly segment: Segment;
  readonly skip: number;
}

/**
 * The plan of a page from the listings of the minutes it covers, starting `skip` places into
 * the first; null where the first has none (a small minute or a read stretch: read it). A term
 * without an index also plans through read stretches (by reading them through its sources).
 */
async function pagePlan(
  read: LogRead,
  first: Position,
  rest: AsyncGenerator<Position>,
  limit: number,
): Promise<PagePlan | null> {
  const { terms } = read;
  const byId = isUnindexed(terms);
  const plannable = (segment: Segment) =>
    listable(terms, segment) || partlyLive(segment) || (byId && segment.kind === 'read');
  if (!plannable(first.segment)) return null;
  // At a minute's start a small page reads no more than the plan would cost.
  if (!byId && first.skip === 0 && limit <= listedAbove) return null;
  const ids: PlannedEvent[] = [];
  let at = first;
  let exhausted = false;
  for (;;) {
    const part = await minutePart(read, at, limit - ids.length);
    if (!part) break;
    ids.push(...part);
    if (ids.length >= limit) break;
    const next = await rest.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    at = next.value;
    if (!plannable(at.segment)) break;
  }
  if (ids.length === 0) return null;
  return { startId: (ids[0] as PlannedEvent).id, ids, complete: ids.length >= limit || exhausted };
}

/** Up to `want` events of a segment from `skip` on, in order: from listings, or read. */
async function minutePart(read: LogRead, { segment, skip }: Position, want: number): Promise<PlannedEvent[] | null> {
  const { terms, order, nowMs, budget } = read;
  if (partlyLive(segment)) {
    segment.live ??= (await liveListed(terms, segment, nowMs, budget)) ?? undefined;
    if (!segment.live) return null;
    const inOrder = order === 'newest' ? [...segment.live].reverse() : segment.live;
    return inOrder.slice(skip, skip + want);
  }
  if (segment.kind === 'read') {
    // An unlisted stretch of a term without an index, read: its skip is bounded by the budget like any other.
    if (skip > budget.limit && !segment.bounded) throw tooDeep();
    const found: PlannedEvent[] = [];
    for await (const item of termEvents({ ...read, range: segment, expected: skip + want })) {
      if (found.length >= skip + want) break;
      found.push({ id: item.sk as string, partition: '', item });
    }
    return found.slice(skip);
  }
  const inMinute = Math.min(want, segment.count - skip);
  // Ascending positions of these events in the minute.
  const first = order === 'newest' ? segment.count - skip - inMinute : skip;
  const last = first + inMinute - 1;
  let listed: PlannedEvent[];
  if (terms.length === 1) {
    const term = terms[0] as Term;
    const listing = { partition: rollupPartition(term), minute: segment.from / minuteMs, consistent: segment.open };
    const ids = await listedRange(listing, first, last);
    if (ids.length !== inMinute) return null;
    const sources = termSources(term);
    listed = ids.map((id) => ({ id, partition: sourceOf(sources, id) }));
  } else {
    // The terms' listings merged from the nearer end of the minute: the chunks read follow the
    // distance from it, not the minute's size (and stop at the budget's `listingChunks`).
    const ascending = first <= segment.count - 1 - last;
    const passed = ascending ? first : segment.count - 1 - last;
    const chunks = { read: 0 };
    const streams = terms.map((term, i) =>
      minuteIds(term, segment, { listedTo: segment.listedTo?.[i], ascending, chunks, nowMs, budget }),
    );
    listed = [];
    let seen = 0;
    for await (const planned of merged(streams, (p) => p.id, ascending)) {
      if (chunks.read > budget.listingChunks) return null;
      if (seen++ >= passed) listed.push(planned);
      if (listed.length >= inMinute) break;
    }
    if (listed.length !== inMinute) return null;
    if (!ascending) listed.reverse();
  }
  return order === 'newest' ? listed.reverse() : listed;
}

/** How a term's ids in a minute are walked: where its listing ends, the direction, the listing chunks read so far. */
interface MinuteWalk extends ReadScope {
  /** Where the term's listing ends in an open minute (null: not listed there); undefined: a sealed minute. */
  readonly listedTo: number | null | undefined;
  readonly ascending: boolean;
  readonly chunks: { read: number };
}

/**
 * A term's ids in a minute in order, each with its partition: its listing, or (≤ `listedAbove`)
 * read; in an open minute (`listedTo`) its listing up to where its item holds it, the rest read
 * (null: not listed there, all of it read).
 */
async function* minuteIds(term: Term, segment: Segment, walk: MinuteWalk): AsyncGenerator<PlannedEvent> {
  const { listedTo, ascending, chunks, nowMs, budget } = walk;
  const sources = termSources(term);
  const tag = (id: string) => ({ id, partition: sourceOf(sources, id) });
  const order = ascending ? 'oldest' : 'newest';
  const end = listedTo === undefined ? segment.to : (listedTo ?? segment.from);
  const after = { from: Math.max(segment.from, end), to: segment.to };
  const readAfter = async function* () {
    if (listedTo === undefined) return;
    const read = {
      terms: [term],
      range: after,
      order,
      nowMs,
      budget: unbudgeted(),
      expected: trackedAbove + 1,
    } as const;
    for await (const item of termEvents(read)) yield tag(item.sk as string);
  };
  if (!ascending) yield* readAfter();
  let listed = false;
  if (listedTo !== null) {
    const listing = { partition: rollupPartition(term), minute: segment.from / minuteMs, consistent: segment.open };
    for await (const id of listedInOrder(listing, ascending, chunks)) {
      listed = true;
      // An open minute's listing may already hold ids past where its item (or the live mark) ends.
      if ((uuid7Time(id) ?? 0) < end) yield tag(id);
    }
  }
  if (ascending) yield* readAfter();
  if (listed || listedTo !== undefined) return;
  for await (const item of termEvents({ terms: [term], range: segment, order, nowMs, budget, expected: listedAbove })) {
    yield tag(item.sk as string);
  }
}

/** The planned events: those read while planning as they are, the others by id (BatchGetItem). */
async function eventsOf(planned: readonly PlannedEvent[], nowMs: number, budget: ReadBudget): Promise<Event[]> {
  // Live as the request sees them (its clock), like every read of the log.
  const fetched = await eventStore.getMany(
    planned.filter((p) => !p.item).map((p) => p.id),
    nowMs,
  );
  budget.spend(planned.length);
  return planned.flatMap((p) => {
    const event = p.item ? decodeBody<Event>(p.item.b as Uint8Array) : fetched.get(p.id);
    return event ? [event] : [];
  });
}

/**
 * A minute's live events of the terms in the segment, in id order, from the listings (each id
 * with its expiry); a term's minute that is not listed holds ≤ `listedAbove` of it and is read.
 * Null past the request's listing chunks: the caller reads the minute.
 */
async function liveListed(
  terms: readonly Term[],
  segment: Segment,
  nowMs: number,
  budget: ReadBudget,
): Promise<PlannedEvent[] | null> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const live: PlannedEvent[] = [];
  for (const [i, term] of terms.entries()) {
    const sources = termSources(term);
    const listedTo = segment.listedTo === undefined ? segment.to : segment.listedTo[i];
    const entries =
      listedTo === null
        ? null
        : await listedEntries(
            { partition: rollupPartition(term), minute: segment.minute as number, consistent: segment.open },
            budget.listingChunks,
            budget.chunks,
          );
    if (budget.chunks.read > budget.listingChunks) return null;
    for (const { id, ttl } of entries ?? []) {
      const ms = uuid7Time(id) ?? 0;
      if (ttl > nowSeconds && ms >= segment.from && ms < (listedTo as number)) {
        live.push({ id, partition: sourceOf(sources, id) });
      }
    }
    // Not listed (≤ `listedAbove` of it, or untracked in an open minute), or past its listing: read.
    const from = entries === null ? segment.from : Math.max(segment.from, listedTo as number);
    if (from >= segment.to) continue;
    const rest = { from, to: segment.to, ...(segment.via && { via: segment.via }) };
    const read = {
      terms: [term],
      range: rest,
      order: 'oldest',
      nowMs,
      budget: unbudgeted(),
      expected: trackedAbove + 1,
    } as const;
    for await (const item of termEvents(read)) {
      live.push({ id: item.sk as string, partition: sourceOf(sources, item.sk as string), item });
    }
  }
  return live.sort((a, b) => (a.id < b.id ? -1 : 1));
}

// ---- Counting: the range's segments, the read ones counted ----

/**
 * The range cut into segments, oldest first: the sealed part from the rollups, the open minutes
 * from the live seal's items, the rest to read; `readFrom`: where the last read stretch starts.
 */
async function cutRange(terms: readonly Term[], range: TimeRange, nowMs: number) {
  const [through, live] = await Promise.all([sealedThrough(), liveMark()]);
  const clamp = (ms: number) => Math.max(range.from, Math.min(range.to, ms));
  const sealedEnd = through === null ? range.from : clamp((through + 1) * minuteMs);
  const segments = await expand(terms, 'M', { from: range.from, to: sealedEnd }, nowMs);
  let readFrom = sealedEnd;
  if (live) {
    const start = clamp(Math.max(live.since, sealedEnd));
    const end = clamp(live.through);
    if (start > sealedEnd) segments.push({ from: sealedEnd, to: start, kind: 'read', count: 0 });
    if (end > start) {
      segments.push(...(await provisional(terms, { from: start, to: end }, live, nowMs)));
      readFrom = end;
    } else readFrom = start;
  }
  if (readFrom < range.to) segments.push({ from: readFrom, to: range.to, kind: 'read', count: 0 });
  return { segments, readFrom, live };
}

/**
 * The range's segments, oldest first, with the read ones counted; `estimated` past the budget.
 * `to`: where the answer ends (now − 1 s when the newest stretch is busy: "The live log").
 */
async function segmentsOf(terms: readonly Term[], range: TimeRange, nowMs: number, budget: ReadBudget) {
  const { segments, readFrom, live } = await cutRange(terms, range, nowMs);
  let to = range.to;
  let estimated = false;
  for (const segment of segments) {
    if (segment.kind !== 'read' || segment.counted) continue;
    const listed = segment.minute === undefined ? null : await liveListed(terms, segment, nowMs, budget);
    if (listed) {
      // Decided by its listings: counted and paged from them, like a sealed minute.
      Object.assign(segment, { kind: 'minute', count: listed.length, allLive: false, live: listed });
      continue;
    }
    // The newest stretch, past the live mark: while busy, the answer ends a second ago.
    const newest = live !== null && segment.to === range.to && segment.from === readFrom;
    const counted = await countByReading(terms, segment, newest, { nowMs, budget });
    if (counted.endsAt !== undefined) to = counted.endsAt;
    if (to < segment.to) (segment as { to: number }).to = to;
    // Past the budget the count stands as read so far: a lower bound, flagged as an estimate
    // (extrapolating by time overshoots wildly for bursts).
    if (budget.exhausted && counted.reached < Math.min(segment.to, nowMs) - 1) estimated = true;
    segment.count = counted.count;
  }
  return { segments, estimated, to };
}

/**
 * Counts a read segment's events by reading them, as far as the budget goes (`reached`: the
 * newest millisecond read); the newest stretch, while busy, ends at `endsAt` instead.
 */
async function countByReading(terms: readonly Term[], segment: Segment, newest: boolean, scope: ReadScope) {
  const { nowMs, budget } = scope;
  const cut = nowMs - newestCutMs;
  let count = 0;
  let reached = segment.from;
  // Events read at `reached`, the newest millisecond so far: an answer ending there leaves them out.
  let atReached = 0;
  for await (const item of termEvents({ terms, range: segment, order: 'oldest', ...scope, expected: 100 })) {
    const ms = uuid7Time(item.sk as string) ?? reached;
    // Past the cut the events are newer than any the answer must hold: while many, or at the
    // budget's end, the answer ends at this millisecond.
    if (newest && ms >= cut && (count >= newestReadAbove || budget.read >= budget.limit - 1)) {
      if (ms === reached) count -= atReached;
      return { count, reached, endsAt: Math.max(segment.from, ms) };
    }
    count++;
    atReached = ms === reached ? atReached + 1 : 1;
    reached = ms;
    if (budget.exhausted) break;
  }
  return { count, reached, endsAt: undefined };
}

/**
 * An open minute of several terms: each counted by its item up to where it holds the term and
 * by reading the rest (≤ `trackedAbove` events), paged by merging their listings and reads
 * (`minuteIds`); where a histogram does not decide, from the listings' expiries (`liveListed`).
 */
async function severalTerms(
  terms: readonly Term[],
  part: Segment,
  { written, listedTo }: Pick<OpenMinute, 'written' | 'listedTo'>,
  nowMs: number,
): Promise<Segment> {
  let count = 0;
  let allLive = true;
  for (const [i, term] of terms.entries()) {
    const held = written[i];
    const counted = held ? liveOf(held.expiries, minuteMs, nowMs) : { live: 0, allLive: true };
    if (!counted) return { ...part, listedTo };
    count += counted.live;
    allLive &&= counted.allLive;
    const rest = { from: Math.max(part.from, listedTo[i] ?? part.from), to: part.to };
    count += await countUnwritten([term], rest, nowMs);
  }
  return { ...part, kind: 'minute', count, allLive, counted: true, listedTo };
}

/**
 * The open minutes in `span` (after the seal, up to the live mark) from the live seal's
 * provisional items: a minute where a term is untracked reads that term (≤ `listedAbove`
 * events); one with a late write not yet re-read, or cut by the range, is read whole.
 */
async function provisional(terms: readonly Term[], span: TimeRange, live: LiveMark, nowMs: number): Promise<Segment[]> {
  const first = Math.floor(span.from / minuteMs);
  const last = Math.floor((span.to - 1) / minuteMs);
  const perTerm = await Promise.all(
    terms.map((term) => provisionalMinutes(rollupPartition(term), first, last, live.through)),
  );
  // A pair the live seal does not track, of an actor it does: read through the person's index.
  const [only] = terms;
  const pairActor =
    terms.length === 1 && only?.kind === 'actor_person'
      ? await provisionalMinutes(
          rollupPartition({ kind: 'actor', value: actorPersonOf(only)[0] }),
          first,
          last,
          live.through,
        )
      : null;
  const segments: Segment[] = [];
  for (let minute = first; minute <= last; minute++) {
    const part = { from: Math.max(minute * minuteMs, span.from), to: Math.min((minute + 1) * minuteMs, span.to) };
    const whole = part.from === minute * minuteMs && (part.to === (minute + 1) * minuteMs || part.to === live.through);
    const found = perTerm.map((minutes) => minutes.get(minute));
    const via = pairActor?.has(minute) ? ('person' as const) : undefined;
    const read = (): Segment => ({ ...part, kind: 'read', count: 0, ...(via && { via }) });
    if (!whole || live.dirtyMinutes.has(minute) || found.includes('unknown')) {
      segments.push(read());
      continue;
    }
    if (found.every((p) => p === undefined)) {
      segments.push(...(await bounded(terms, read(), nowMs)));
      continue;
    }
    const written = found as (Exclude<Provisional, 'unknown'> | undefined)[];
    const listedTo = written.map((p) => (p ? Math.min(p.s, part.to) : null));
    segments.push(...(await openMinute(terms, { minute, read, written, listedTo }, nowMs)));
  }
  return segments;
}

/** An open minute the live seal's items hold (whole, no late write pending): the segment as `read` gives it, each term's item, where each listing ends. */
interface OpenMinute {
  readonly minute: number;
  readonly read: () => Segment;
  readonly written: readonly (Exclude<Provisional, 'unknown'> | undefined)[];
  readonly listedTo: readonly (number | null)[];
}

/** The segments of an open minute some term's item holds. */
async function openMinute(terms: readonly Term[], open: OpenMinute, nowMs: number): Promise<Segment[]> {
  const { minute, read, written, listedTo } = open;
  const [one] = written;
  const counted = one && terms.length === 1 ? liveOf(one.expiries, minuteMs, nowMs) : null;
  if (terms.length > 1) return [await severalTerms(terms, { ...read(), minute, open: true }, open, nowMs)];
  if (!one || !counted) {
    // Expiries a histogram does not decide: the listing up to what the item holds, the rest read (`liveListed`).
    return [{ ...read(), minute, open: true, listedTo }];
  }
  // One term: the minute as its item holds it (listed), then what came after, read.
  const segments: Segment[] = [];
  const part = read();
  const heldTo = Math.min(one.s, part.to);
  if (counted.live > 0) {
    segments.push({
      from: part.from,
      to: heldTo,
      kind: 'minute',
      count: counted.live,
      allLive: counted.allLive,
      counted: true,
      minute,
      open: true,
    });
  }
  if (heldTo < part.to)
    segments.push(...(await bounded(terms, { from: heldTo, to: part.to, kind: 'read', count: 0 }, nowMs)));
  return segments;
}

/** A stretch no term's items hold (≤ `trackedAbove` events of each), counted by reading whatever the budget. */
async function bounded(terms: readonly Term[], stretch: Segment, nowMs: number): Promise<Segment[]> {
  const count = await countUnwritten(terms, stretch, nowMs);
  return count > 0 ? [{ ...stretch, count, counted: true, bounded: true }] : [];
}

/** The count, and where it ends (`segmentsOf`). */
async function countTo(terms: readonly Term[], range: TimeRange, { nowMs, budget }: ReadScope) {
  const { segments, estimated, to } = await segmentsOf(terms, range, nowMs, budget);
  return { count: segments.reduce((sum, s) => sum + s.count, 0), estimated, to };
}

// ---- Paging: from where the offset falls, by the listings or by reading ----

/** The minutes and read stretches from where `offset` falls on, in order, the first with its skip. */
async function* positions(read: LogRead, segments: Segment[], offset: number): AsyncGenerator<Position> {
  const { terms, order, nowMs } = read;
  const queue = order === 'newest' ? [...segments].reverse() : [...segments];
  let before = 0;
  let found = false;
  while (queue.length > 0) {
    const segment = queue.shift() as Segment;
    if (segment.count === 0 || (!found && before + segment.count <= offset)) {
      before += segment.count;
      continue;
    }
    if (segment.kind === 'minute' || segment.kind === 'read') {
      yield { segment, skip: found ? 0 : offset - before };
      found = true;
      continue;
    }
    // A bucket named only by its parent's counts has no rollup read yet: read it.
    const children = !segment.rollup
      ? await expand(terms, segment.kind, segment, nowMs)
      : await refine(terms, segment, nowMs);
    queue.unshift(...(order === 'newest' ? children.reverse() : children));
  }
}

/** Reads from the start of `range` in order: skips `skip` matches, keeps `limit`, counts with a check. */
async function readPage(
  read: LogRead,
  range: TimeRange,
  page: { skip: number; limit: number; plan?: PagePlan },
  check?: (event: Event) => boolean,
) {
  const events: Event[] = [];
  let matched = 0;
  const expected = page.skip + page.limit;
  for await (const item of termEvents({ ...read, range, expected, plan: page.plan })) {
    const event = decodeBody<Event>(item.b as Uint8Array);
    if (!check || check(event)) {
      matched++;
      if (matched > page.skip && events.length < page.limit) events.push(event);
      // Without a check the count is known: stop at a full page.
      if (!check && events.length >= page.limit) break;
    }
    if (check && read.budget.exhausted) return { events, matched, complete: false };
  }
  return { events, matched, complete: true };
}

/** A filter no index answers: the chosen terms read in order, each event checked; the count estimated past the budget. */
async function findChecked(
  query: EventLogQuery & { check: (event: Event) => boolean },
  read: LogRead,
  primary: { count: number; estimated: boolean; to: number },
): Promise<FoundEvents> {
  const page = { skip: query.offset, limit: query.limit };
  const range = { from: query.range.from, to: primary.to };
  const found = await readPage(read, range, page, query.check);
  if (found.complete) return { events: found.events, count: found.matched, estimated: primary.estimated };
  if (found.events.length < query.limit) throw tooDeep();
  const share = found.matched / Math.max(1, read.budget.read);
  return {
    events: found.events,
    count: Math.max(found.matched, Math.round(primary.count * share)),
    estimated: true,
  };
}

/** A page of the query; `fresh` gives each count it makes a clock and budget of its own. */
async function find(query: EventLogQuery, fresh: () => ReadScope): Promise<FoundEvents> {
  const { nowMs, budget } = fresh();
  const read: LogRead = { terms: query.terms, order: query.order, nowMs, budget };
  if (query.check) {
    const primary = await countTo(query.terms, query.range, fresh());
    return findChecked({ ...query, check: query.check }, read, primary);
  }
  const { segments, estimated, to } = await segmentsOf(query.terms, query.range, nowMs, budget);
  const total = segments.reduce((sum, s) => sum + s.count, 0);
  if (query.offset >= total) return { events: [], count: total, estimated };
  const cursor = positions(read, segments, query.offset);
  const located = await cursor.next();
  if (located.done) return { events: [], count: total, estimated };
  const at = located.value;
  // Where listings cover the page, they name its events: none is read to skip.
  const plan = await pagePlan(read, at, cursor, query.limit);
  const boundary = query.order === 'newest' ? at.segment.to : at.segment.from;
  const rest = query.order === 'newest' ? { from: query.range.from, to: boundary } : { from: boundary, to };
  if (plan && isUnindexed(query.terms)) {
    // A term without an index of its own: its planned events are fetched by id.
    const events = await eventsOf(plan.ids, nowMs, budget);
    if (!plan.complete) {
      // The rest from the last planned event on (that one is read again and skipped).
      const from = { startId: (plan.ids[plan.ids.length - 1] as PlannedEvent).id, ids: [], complete: false };
      const page = { skip: 1, limit: query.limit - events.length, plan: from };
      events.push(...(await readPage(read, rest, page)).events);
    }
    return { events, count: total, estimated };
  }
  const skip = plan === null ? at.skip : 0;
  // A skip read inside one minute (or one read stretch) is bounded by the budget too.
  if (skip > budget.limit && !at.segment.bounded) throw tooDeep();
  const page = { skip, limit: query.limit, ...(plan !== null && { plan }) };
  const found = await readPage(read, rest, page);
  return { events: found.events, count: total, estimated };
}

// ---- The log ----

export interface EventLogOptions {
  /** Events one request may read beyond its page (skips, candidates, tail). */
  readBudget: number;
  /** Listing chunks one request may read to merge several terms' listings of a minute (40). */
  listingChunks?: number;
  now?: () => number;
}

export function eventLog(options: EventLogOptions): EventLog {
  const now = options.now ?? Date.now;
  const fresh = (): ReadScope => ({
    budget: new ReadBudget(options.readBudget, options.listingChunks ?? 40),
    nowMs: now(),
  });
  return {
    async count(terms, range) {
      const { count, estimated } = await countTo(terms, range, fresh());
      return { count, estimated };
    },
    find: (query) => find(query, fresh),
    actionsSeen: () => actionsSeen(Math.floor(now() / 1000)),
  };
}

const tooDeepMessage =
  'This page needs more reads than one request may make: narrow created__gte/created__lt or add a more selective filter.';
const tooDeep = () => new DomainError('page.tooDeep', tooDeepMessage, [{ field: 'page', message: tooDeepMessage }]);
