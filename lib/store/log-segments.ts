// The range a read covers, cut into segments oldest first (docs/data-model.md): rollup buckets
// where the seal's rollups answer, minutes the live seal keeps, and stretches to read; each
// counted, the read ones by reading within the request's budget.
import type { TimeRange } from '../events/event-log.ts';
import { actorPersonOf, type Term } from '../events/terms.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { minuteMs } from '../time-units.ts';
import { type PairVia, rollupPartition, sourceOf, termSources } from './event-keys.ts';
import { listedEntries } from './listings.ts';
import { type LiveMark, liveMark, type Provisional, provisionalMinutes, trackedAbove } from './live-seal.ts';
import { childStart, type Level, type LevelTag, levels, liveOf, type Rollup, readRollups } from './rollups.ts';
import { sealedThrough } from './seal.ts';
import {
  countUnwritten,
  type PlannedEvent,
  type ReadBudget,
  type ReadScope,
  termEvents,
  unbudgeted,
} from './term-events.ts';

/** Past the live mark, more events than this end the answer `newestCutMs` ago ("The live log"). */
const newestReadAbove = 64;
const newestCutMs = 1_000;

export interface Segment {
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

export async function expand(
  terms: readonly Term[],
  tag: LevelTag,
  clip: TimeRange,
  nowMs: number,
): Promise<Segment[]> {
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
      // A minute the range cuts: its listings name its events with their times (`liveListed`).
      segments.push({ from: Math.max(from, part.from), to: Math.min(to, part.to), kind: 'read', count: 0, minute });
    } else if (!live) segments.push({ from, to, kind: 'read', count: 0, minute });
    else if (live.live > 0)
      segments.push({ from, to, kind: 'minute', count: live.live, allLive: live.allLive, minute });
  }
  return segments;
}

/** A rollup bucket cut one level down (by its children's counts where they are live counts). */
export async function refine(terms: readonly Term[], segment: Segment, nowMs: number): Promise<Segment[]> {
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

/**
 * A minute's live events of the terms in the segment, in id order, from the listings (each id
 * with its expiry); a term's minute that is not listed holds ≤ `listedAbove` of it and is read.
 * Null past the request's listing chunks: the caller reads the minute.
 */
export async function liveListed(
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
export async function segmentsOf(terms: readonly Term[], range: TimeRange, nowMs: number, budget: ReadBudget) {
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
  const held = written.map((item) => (item ? liveOf(item.expiries, minuteMs, nowMs) : { live: 0, allLive: true }));
  if (held.includes(null)) return { ...part, listedTo };
  // Each term's unwritten rest (≤ `trackedAbove` events) read side by side: the terms are bounded per request.
  const unwritten = await Promise.all(
    terms.map((term, i) =>
      countUnwritten([term], { from: Math.max(part.from, listedTo[i] ?? part.from), to: part.to }, nowMs),
    ),
  );
  const live = held as { live: number; allLive: boolean }[];
  const count = live.reduce((sum, h) => sum + h.live, 0) + unwritten.reduce((sum, n) => sum + n, 0);
  const allLive = live.every((h) => h.allLive);
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
    if (live.dirtyMinutes.has(minute) || found.includes('unknown')) {
      segments.push(read());
      continue;
    }
    if (!whole) {
      // A minute the range cuts: each term's listing up to what its item holds, named with their
      // times, the rest (≤ `trackedAbove` events a term) read (`liveListed`).
      const listedTo = found.map((p) => (p && p !== 'unknown' ? Math.min(p.s, part.to) : null));
      segments.push({ ...read(), minute, open: true, listedTo });
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
export async function countTo(terms: readonly Term[], range: TimeRange, { nowMs, budget }: ReadScope) {
  const { segments, estimated, to } = await segmentsOf(terms, range, nowMs, budget);
  return { count: segments.reduce((sum, s) => sum + s.count, 0), estimated, to };
}
