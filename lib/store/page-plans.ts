// Where a page's events are inside minutes, from the listings (docs/data-model.md): the plan of
// a page starting where the offset falls, so that no event is read only to be skipped; a term
// without an index of its own is paged by id.
import { DomainError } from '../errors.ts';
import type { Event } from '../events/event.ts';
import type { Term } from '../events/terms.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { minuteMs } from '../time-units.ts';
import { decodeBody } from './codec.ts';
import { rollupPartition, sourceOf, termSources, unindexed } from './event-keys.ts';
import { eventStore } from './events.ts';
import { listedAbove, listedInOrder, listedRange } from './listings.ts';
import { trackedAbove } from './live-seal.ts';
import { liveListed, type Segment } from './log-segments.ts';
import {
  type LogRead,
  merged,
  type PagePlan,
  type PlannedEvent,
  type ReadBudget,
  type ReadScope,
  termEvents,
  unbudgeted,
} from './term-events.ts';

/** One term without an index of its own: its pages are fetched by id from its listings. */
export const isUnindexed = (terms: readonly Term[]) => terms.length === 1 && unindexed(terms[0] as Term);

/** A minute whose live events the listings name with their expiries (`liveListed`). */
const partlyLive = (segment: Segment) =>
  segment.live !== undefined || (segment.kind === 'minute' && !segment.allLive && segment.minute !== undefined);

/** A segment the listings answer: a whole, sealed, live minute holding enough of the terms. */
const listable = (terms: readonly Term[], segment: Segment) =>
  segment.kind === 'minute' && segment.allLive === true && (segment.count > listedAbove || isUnindexed(terms));

export interface Position {
  readonly segment: Segment;
  readonly skip: number;
}

/**
 * The plan of a page from the listings of the minutes it covers, starting `skip` places into
 * the first; null where the first has none (a small minute or a read stretch: read it). A term
 * without an index also plans through read stretches (by reading them through its sources).
 */
export async function pagePlan(
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
export async function eventsOf(planned: readonly PlannedEvent[], nowMs: number, budget: ReadBudget): Promise<Event[]> {
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

const tooDeepMessage =
  'This page needs more reads than one request may make: narrow created__gte/created__lt or add a more selective filter.';
export const tooDeep = () =>
  new DomainError('page.tooDeep', tooDeepMessage, [{ field: 'page', message: tooDeepMessage }]);
