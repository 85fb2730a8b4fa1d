// The live seal (docs/data-model.md "The live log"): the minutes the seal has not reached yet,
// kept provisionally every fraction of a second, so that counts and pages are exact while events
// pour in. Key shapes:
//   live mark    pk LIVE  sk LIVE  through (ms: the provisional items hold every event created
//                before it, but the dirty ones), since (where they start), intent (the end of the
//                stretch being read), dirty (ids of late writes not yet re-read), lease, holder
//   provisional  pk R#<kind>#<value>  sk P#<epoch minute>  n, x (events per expiry minute, or 'u'),
//                s (the live mark's through it holds), pn, px, ps (the values before), ttl
// Listings of tracked minutes are the seal's own chunks (L#<minute>#<chunk>, ./listings.ts).
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { uuid7Time } from '../events/uuid7.ts';
import { minuteMs } from '../time-units.ts';
import { actionAppPrefix } from './action-apps.ts';
import { documents, getAll, putAll, queryItems, tableName } from './client.ts';
import { conditionFailed, ignoreFailedCondition } from './conflicts.ts';
import { eventKey } from './event-keys.ts';
import { liveKey } from './late-writes.ts';
import { chunkOf, entriesOf, type ListedEntry, listingChunks, listsEvery } from './listings.ts';
import { sealedThrough } from './seal.ts';
import { countEvents, countItem, nextEventMinute, oneDayAfter, type TermCount, undecided } from './term-counts.ts';

const leaseMs = 10_000;
/** The longest stretch one pass reads (a sealer catching up goes a minute at a time). */
const maxStretchMs = 60_000;
const pairPrefix = 'R#actor_person#';

/**
 * A term is tracked in an open minute once it holds more events there than this: fewer are read
 * (a few Queries), and a term of a few events a minute costs no writes on every pass.
 */
export const trackedAbove = 64;

/** What readers need of the live mark. */
export interface LiveMark {
  /** Every event created before this (ms) is in the provisional items, but those of dirty minutes. */
  readonly through: number;
  /** Where the provisional items start (ms). */
  readonly since: number;
  /** Minutes (epoch) holding a late write not yet re-read: read them. */
  readonly dirtyMinutes: ReadonlySet<number>;
}

const minuteOfId = (id: string) => Math.floor((uuid7Time(id) ?? 0) / minuteMs);

export async function liveMark(): Promise<LiveMark | null> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: liveKey, ConsistentRead: true }));
  if (!Item || typeof Item.through !== 'number' || typeof Item.since !== 'number') return null;
  const dirty = Item.dirty instanceof Set ? [...(Item.dirty as Set<string>)] : [];
  return { through: Item.through, since: Item.since, dirtyMinutes: new Set(dirty.map(minuteOfId)) };
}

/** A term's provisional minute as of a live mark: its count and expiries, or unknown (read it). */
export type Provisional =
  | {
      readonly n: number;
      readonly expiries: ReadonlyMap<number, number>;
      /** The stretch end (ms) through which `n` and the listing hold the term's events: later ones are read. */
      readonly s: number;
    }
  | 'unknown';

function expiriesOf(x: unknown): Map<number, number> {
  // `u`: more expiries than a histogram holds; NaN is the unit no reader decides (rollups' rule).
  if (x === 'u') return new Map([[Number.NaN, 0]]);
  return new Map(Object.entries((x ?? {}) as Record<string, number>).map(([unit, n]) => [Number(unit), n]));
}

/** A term's provisional minutes in [fromMinute, toMinute], as they were at the live mark's `through`. */
export async function provisionalMinutes(
  partition: string,
  fromMinute: number,
  toMinute: number,
  through: number,
): Promise<Map<number, Provisional>> {
  const found = new Map<number, Provisional>();
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': partition, ':a': `P#${fromMinute}`, ':b': `P#${toMinute}` },
    ConsistentRead: true,
  })) {
    const minute = Number((item.sk as string).slice(2));
    // A pass wrote it after the mark was read: its values before, if they were tracked by then.
    if ((item.s as number) <= through)
      found.set(minute, { n: item.n as number, expiries: expiriesOf(item.x), s: item.s as number });
    else if ((item.ps as number) > 0 && (item.ps as number) <= through)
      found.set(minute, { n: item.pn as number, expiries: expiriesOf(item.px), s: item.ps as number });
    else found.set(minute, 'unknown');
  }
  return found;
}

// ---- The sealer ----

interface OpenTerm {
  expiries: Map<number, number>;
  maxExpiry: number;
  /** Its events in the minute so far, in id order (a listing's entries). */
  entries: ListedEntry[];
  /** An actor and person pair: its actor's and its person's partitions. */
  actor?: string;
  person?: string;
  /** Listed and kept by a provisional item. */
  tracked: boolean;
  /** The first position of `entries` changed since its items were last written, or null. */
  changedFrom: number | null;
  /** Entries its items hold (written with the live mark's `through` then): the rest are read. */
  written: number;
}

/** What one sealer holds between passes: the open minutes' events per term. */
interface SealerState {
  readonly holder: string;
  through: number;
  readonly minutes: Map<number, Map<string, OpenTerm>>;
}

let state: SealerState | null = null;

export interface LiveSealOptions {
  nowMs: number;
  /** How old a stretch must be before it is read (LIVE_SEAL_DELAY_MS); later writes are late writes. */
  delayMs: number;
}

/** The terms the event log reads (analytics pairs keep no listings). */
const isLogTerm = (partition: string) => !partition.startsWith(actionAppPrefix);

/** Brands and a model's app and name have no index: an untracked minute would be read from the whole timeline. */
const alwaysTracked = (partition: string) => listsEvery(partition) && !partition.startsWith(pairPrefix);

/** One pass: reads the stretch since the last, writes what changed, repairs late writes. Null: another sealer holds the lease. */
export async function sealLive(options: LiveSealOptions): Promise<{ through: number; events: number } | null> {
  try {
    return await pass(options);
  } catch (error) {
    // What it holds may be ahead of what it wrote: the next pass rebuilds from the table.
    if (state) state = { holder: state.holder, through: Number.NaN, minutes: new Map() };
    throw error;
  }
}

async function pass(options: LiveSealOptions): Promise<{ through: number; events: number } | null> {
  const holder = state?.holder ?? randomUUID();
  const mark = await takeLease(holder, options.nowMs);
  if (!mark) {
    state = null;
    return null;
  }
  const sealed = await sealedThrough();
  const openStart = sealed === null ? null : (sealed + 1) * minuteMs;
  if (!state || state.holder !== holder || state.through !== mark.through) {
    state = await rebuild(holder, mark.through, openStart, options.nowMs - options.delayMs);
  }
  const from = Math.max(state.through, openStart ?? state.through);
  const to = Math.min(options.nowMs - options.delayMs, from + maxStretchMs);
  // A first sealer marks where it starts, also with nothing to read yet (else every pass would rebuild).
  if (mark.through === undefined) {
    // Its items hold the open minute from its start (`rebuild` read it), or from the seal's end.
    const since = Math.max(Math.floor(from / minuteMs) * minuteMs, openStart ?? 0);
    await setMark(holder, { through: from, since });
    mark.since = since;
    state.through = from;
  }
  let events = 0;
  if (to > from) {
    await setMark(holder, { intent: to });
    const changed = new Map<number, Set<string>>();
    for (let start = from; start < to; start = (Math.floor(start / minuteMs) + 1) * minuteMs) {
      const end = Math.min(to, (Math.floor(start / minuteMs) + 1) * minuteMs);
      const minute = Math.floor(start / minuteMs);
      const counts = await countEvents(start, end, { analytics: false });
      events += counts.get('R#all')?.n ?? 0;
      changed.set(minute, merge(minuteOf(state, minute), counts));
    }
    await write(state, changed, to, 'due');
    // A minute the mark passes now is closed: what waits of it is written once, so readers read none of it.
    const closed = new Map<number, Set<string>>();
    for (const [minute, terms] of state.minutes) {
      if ((minute + 1) * minuteMs > to || (minute + 1) * minuteMs <= from) continue;
      closed.set(
        minute,
        new Set([...terms].flatMap(([partition, t]) => (t.written < t.entries.length ? [partition] : []))),
      );
    }
    await write(state, closed, to, 'closed');
    await setMark(holder, { through: to, since: mark.since as number });
    state.through = to;
  }
  await repair(state, mark.dirty, openStart);
  // Minutes the seal has reached are read from its rollups; older open minutes get no more events.
  const current = Math.floor(state.through / minuteMs);
  for (const minute of state.minutes.keys()) {
    if (minute < current && (openStart === null || minute < openStart / minuteMs || minute < current - 1)) {
      state.minutes.delete(minute);
    }
  }
  return { through: state.through, events };
}

/** Forgets what this container holds (a test's fresh table; a sealer that lost its lease rebuilds anyway). */
export function resetLiveSealer() {
  state = null;
}

async function takeLease(holder: string, nowMs: number) {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: liveKey,
        UpdateExpression: 'SET lease = :until, holder = :holder',
        ConditionExpression: 'attribute_not_exists(lease) OR lease < :now OR holder = :holder',
        ExpressionAttributeValues: { ':until': nowMs + leaseMs, ':holder': holder, ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return {
      through: typeof Attributes?.through === 'number' ? Attributes.through : undefined,
      since: typeof Attributes?.since === 'number' ? Attributes.since : undefined,
      dirty: Attributes?.dirty instanceof Set ? [...(Attributes.dirty as Set<string>)] : [],
    };
  } catch (error) {
    if (conditionFailed(error)) return null;
    throw error;
  }
}

async function setMark(holder: string, values: Record<string, number>) {
  const names = Object.keys(values);
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: liveKey,
      UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}, lease = :until`,
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: {
        ...Object.fromEntries(names.map((name) => [`:${name}`, values[name]])),
        ':holder': holder,
        ':until': Date.now() + leaseMs,
      },
    }),
  );
}

/** A new sealer's state: the current minute up to the mark, read once from the table. */
async function rebuild(holder: string, through: number | undefined, openStart: number | null, newest: number) {
  let start = through;
  if (start === undefined) {
    const first = openStart ?? (await nextEventMinute(0)) * minuteMs;
    start = Number.isFinite(first) ? Math.min(first, newest) : newest;
  }
  if (openStart !== null) start = Math.max(start, openStart);
  const fresh: SealerState = { holder, through: start, minutes: new Map() };
  const minute = Math.floor(start / minuteMs);
  const minuteStart = Math.max(minute * minuteMs, openStart ?? 0);
  if (minuteStart < start) {
    // Written again whole: a sealer that stopped half-way may have left some chunks unwritten.
    const changed = merge(minuteOf(fresh, minute), await countEvents(minuteStart, start, { analytics: false }));
    await write(fresh, new Map([[minute, changed]]), start, 'whole');
  }
  return fresh;
}

function minuteOf(sealer: SealerState, minute: number) {
  const terms = sealer.minutes.get(minute) ?? new Map<string, OpenTerm>();
  sealer.minutes.set(minute, terms);
  return terms;
}

/** Adds a stretch's counts to a minute; returns the terms it changed. */
function merge(terms: Map<string, OpenTerm>, counts: Map<string, TermCount>): Set<string> {
  const changed = new Set<string>();
  for (const [partition, count] of counts) {
    if (!isLogTerm(partition)) continue;
    const term = terms.get(partition) ?? {
      expiries: new Map<number, number>(),
      maxExpiry: 0,
      entries: [],
      tracked: false,
      changedFrom: null,
      written: 0,
      ...(count.actor !== undefined && { actor: count.actor }),
      ...(count.person !== undefined && { person: count.person }),
    };
    terms.set(partition, term);
    term.changedFrom = Math.min(term.changedFrom ?? term.entries.length, term.entries.length);
    // A stretch's ids are all newer than the ones before it: the listing only grows at its end.
    term.entries.push(...entriesOf(count));
    for (const [unit, n] of count.expiries) term.expiries.set(unit, (term.expiries.get(unit) ?? 0) + n);
    term.maxExpiry = Math.max(term.maxExpiry, count.maxExpiry);
    changed.add(partition);
  }
  return changed;
}

/**
 * Tracked: more than `trackedAbove` events, or a brand or model (no index to read them by); a
 * pair also when both its actor and its person are (it can be read through neither's index).
 */
function isTracked(term: OpenTerm, terms: ReadonlyMap<string, OpenTerm>, partition: string): boolean {
  if (term.entries.length > trackedAbove || alwaysTracked(partition)) return true;
  const busy = (side: string | undefined) =>
    side !== undefined && (terms.get(side)?.entries.length ?? 0) > trackedAbove;
  return busy(term.actor) && busy(term.person);
}

/**
 * How a write chooses the tracked terms it writes: those with more than `trackedAbove` events
 * waiting (`due`), every one with any waiting (`closed`: a minute the live mark has passed, so
 * readers read nothing of it), or all of them whole (`whole`: a new sealer's first write).
 */
type WriteMode = 'due' | 'closed' | 'whole';

/** Writes the listing chunks and provisional items of the tracked terms that changed, as `mode` says. */
async function write(sealer: SealerState, changed: Map<number, Set<string>>, through: number, mode: WriteMode) {
  const whole = mode === 'whole';
  const chunks: Record<string, unknown>[] = [];
  const items: [string, number, OpenTerm][] = [];
  for (const [minute, partitions] of changed) {
    const terms = minuteOf(sealer, minute);
    // A pair follows its actor and person: it may become tracked in a stretch where only they changed.
    for (const [partition, term] of terms) {
      if (
        (term.actor !== undefined && partitions.has(term.actor)) ||
        (term.person !== undefined && partitions.has(term.person))
      )
        partitions.add(partition);
    }
    for (const partition of partitions) {
      const term = terms.get(partition);
      if (!term) continue;
      term.tracked = isTracked(term, terms, partition);
      // Written once more than `trackedAbove` events wait (readers read those), or when an
      // insertion (a late write) changed what is written.
      const from = whole || term.written === 0 ? 0 : Math.min(term.changedFrom ?? term.written, term.written);
      const waiting = term.entries.length - term.written;
      const due = whole || waiting > (mode === 'closed' ? 0 : trackedAbove) || from < term.written;
      if (!term.tracked || !due) continue;
      chunks.push(...listingChunks({ partition, minute }, term.entries, oneDayAfter(term), chunkOf(from)));
      items.push([partition, minute, term]);
      term.written = term.entries.length;
      term.changedFrom = null;
    }
  }
  // Listings first: a reader trusts them up to the count of the provisional item.
  await putAll(chunks);
  const updates = items.map(
    ([partition, minute, term]) =>
      () =>
        putProvisional(partition, minute, term, through),
  );
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let next = updates.shift(); next; next = updates.shift()) await next();
    }),
  );
}

async function putProvisional(partition: string, minute: number, term: OpenTerm, through: number) {
  const x = undecided(term, minute)
    ? 'u'
    : Object.fromEntries([...term.expiries].map(([unit, n]) => [String(unit), n]));
  await ignoreFailedCondition(
    documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: partition, sk: `P#${minute}` },
        UpdateExpression:
          'SET pn = if_not_exists(n, :zero), px = if_not_exists(x, :none), ps = if_not_exists(s, :zero), n = :n, x = :x, s = :s, #ttl = :ttl',
        // A sealer that lost its lease cannot move an item back.
        ConditionExpression: 'attribute_not_exists(s) OR s <= :s',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':none': {},
          ':n': term.entries.length,
          ':x': x,
          ':s': through,
          ':ttl': Math.floor((minute * minuteMs) / 1000) + 2 * 86_400,
        },
      }),
    ),
  );
}

/**
 * Adds the late writes to the open minutes that miss them (an id already held was counted: the
 * stretch's read saw it after all), rewrites what changed, then clears those ids. A minute this
 * sealer no longer holds is read again whole.
 */
async function repair(sealer: SealerState, dirty: readonly string[], openStart: number | null) {
  if (dirty.length === 0) return;
  const open = (minute: number) =>
    (openStart === null || minute * minuteMs >= openStart) && minute * minuteMs < sealer.through;
  const held = dirty.filter((id) => open(minuteOfId(id)) && sealer.minutes.has(minuteOfId(id)));
  const changed = new Map<number, Set<string>>();
  for (const item of await getAll(held.map(eventKey), { consistent: true })) {
    const minute = minuteOfId(item.sk as string);
    const counts = new Map<string, TermCount>();
    countItem(counts, item, false);
    const inserted = insert(minuteOf(sealer, minute), counts);
    changed.set(minute, new Set([...(changed.get(minute) ?? []), ...inserted]));
  }
  await write(sealer, changed, sealer.through, 'due');
  for (const minute of new Set(dirty.map(minuteOfId))) {
    if (!open(minute) || sealer.minutes.has(minute)) continue;
    const terms = new Map<string, OpenTerm>();
    const start = minute * minuteMs;
    merge(terms, await countEvents(start, Math.min(start + minuteMs, sealer.through), { analytics: false }));
    sealer.minutes.set(minute, terms);
    await write(sealer, new Map([[minute, new Set(terms.keys())]]), sealer.through, 'whole');
  }
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: liveKey,
      UpdateExpression: 'DELETE dirty :ids',
      ExpressionAttributeValues: { ':ids': new Set(dirty) },
    }),
  );
}

/** Puts one event's terms into a minute where it is missing, in id order; returns the terms changed. */
function insert(terms: Map<string, OpenTerm>, counts: Map<string, TermCount>): string[] {
  const inserted: string[] = [];
  for (const [partition, count] of counts) {
    if (!isLogTerm(partition)) continue;
    const [entry] = entriesOf(count) as [ListedEntry];
    const term = terms.get(partition);
    if (!term) {
      merge(terms, new Map([[partition, count]]));
      inserted.push(partition);
      continue;
    }
    let at = 0;
    for (let high = term.entries.length; at < high; ) {
      const middle = (at + high) >>> 1;
      if ((term.entries[middle] as ListedEntry).id < entry.id) at = middle + 1;
      else high = middle;
    }
    if (term.entries[at]?.id === entry.id) continue;
    term.entries.splice(at, 0, entry);
    for (const [unit, n] of count.expiries) term.expiries.set(unit, (term.expiries.get(unit) ?? 0) + n);
    term.maxExpiry = Math.max(term.maxExpiry, count.maxExpiry);
    term.changedFrom = Math.min(term.changedFrom ?? at, at);
    inserted.push(partition);
  }
  return inserted;
}

/** Ends this sealer's lease at once (the end of a scheduled run), so the next run need not wait for it. */
export async function releaseLiveLease(): Promise<void> {
  if (!state) return;
  await ignoreFailedCondition(
    documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: liveKey,
        UpdateExpression: 'REMOVE lease, holder',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': state.holder },
      }),
    ),
  );
  state = null;
}
