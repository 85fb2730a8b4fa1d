// Rollups: exact counts of each term per month, day and hour, with expiry histograms, written
// by the seal (./seal.ts, ./rollup-writes.ts; docs/data-model.md), and their reads. Key shapes:
//   rollup  pk R#<kind>#<value>  sk M#<yyyy-mm> | D#<yyyy-mm-dd> | H#<yyyy-mm-ddThh>
//           n (events), c<child> (events per day / hour of a month / day), e<unit> (events per
//           expiry day / hour), in hours e<expiry minute>_<mm> (events per expiry minute and
//           minute of creation), s (last sealed minute applied), ttl (after its last expiry)
//           compact month (no D or H items): n, f (entries), f<expiry minute>_<ddhhmm> (events per
//           expiry minute and minute of creation), s, ttl

import { dayMs, hourMs, minuteMs } from '../time-units.ts';
import { queryItems } from './client.ts';

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

/** Adds `n` to a key's count. */
export const bump = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);

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

export const isCompact = (item: Record<string, unknown>) => typeof item.f === 'number';

/** The attribute of a compact entry: `f<expiry minute | u>_<ddhhmm>` of the minute of creation. */
export function compactAttribute(expiryMinute: number | null, createdMs: number) {
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
export function compactBuckets(item: Record<string, unknown>, level: Level): Map<number, Rollup> {
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
