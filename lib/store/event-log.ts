// Reading the event log at any size (docs/data-model.md): counts from the rollups plus the
// unsealed tail (./log-segments.ts), pages from the term's index shards (./term-events.ts),
// merged newest (or oldest) first, starting where the rollups say the offset falls and, inside
// a minute, where its listings do (./page-plans.ts). Every read is charged to the request's budget.
import type { Event } from '../events/event.ts';
import type { EventLog, EventLogQuery, FoundEvents, TimeRange } from '../events/event-log.ts';
import { actionsSeen } from './actions-seen.ts';
import { decodeBody } from './codec.ts';
import { termSources } from './event-keys.ts';
import { countTo, expand, refine, type Segment, segmentsOf } from './log-segments.ts';
import { eventsOf, isUnindexed, type Position, pagePlan, tooDeep } from './page-plans.ts';
import {
  type LogRead,
  type PagePlan,
  type PlannedEvent,
  ReadBudget,
  type ReadScope,
  termEvents,
} from './term-events.ts';

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
    partitionsOf: (terms) => terms.reduce((sum, term) => sum + termSources(term).length, 0),
  };
}
