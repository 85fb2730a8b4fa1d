// The analytics' tallies (lib/events/analytics.ts) from what the seal keeps: rollups of terms
// and of action × app pairs, user sketches, the apps of each action (docs/data-model.md).

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Tallied, Tallies, TallyGroup } from '../events/analytics.ts';
import type { TimeRange } from '../events/event-log.ts';
import { UserSketch } from '../events/user-sketch.ts';
import { dayMs, minuteMs } from '../time-units.ts';
import { actionAppPartition } from './action-apps.ts';
import { actionsOfMonths } from './actions-seen.ts';
import { documents, queryItems, tableName } from './client.ts';
import { rollupPartition } from './event-keys.ts';
import { childStart, type Level, type LevelTag, levels, liveOf, type Rollup, readRollups } from './rollups.ts';
import { sealedThrough } from './seal.ts';
import { usersSortKey } from './user-sketches.ts';

/** A term value as its keys hold it (long values by their hash). */
const keyOf = (kind: 'action' | 'authorized_app', value: string) =>
  rollupPartition({ kind, value }).slice(`R#${kind}#`.length);

function partitionOf(tallied: Tallied): string {
  return tallied.kind === 'action_app'
    ? actionAppPartition(keyOf('action', tallied.action), keyOf('authorized_app', tallied.app))
    : rollupPartition(tallied);
}

/** One group's counts per step, its liveness decided at `nowMs`; `estimated` once a figure is. */
interface Tally {
  readonly step: (ms: number) => number;
  readonly nowMs: number;
  add(ms: number, n: number): void;
  estimated: boolean;
}

/**
 * Adds a partition's live events in the (minute-aligned, disjoint) clips to the tally, per step:
 * a whole live bucket inside one step at once, else its children, else one level down.
 */
async function tallyLevel(partition: string, tag: LevelTag, clips: readonly TimeRange[], tally: Tally): Promise<void> {
  const { step, nowMs } = tally;
  const level = levels[tag];
  const live = clips.filter((clip) => clip.from < clip.to);
  if (live.length === 0) return;
  const first = Math.min(...live.map((clip) => clip.from));
  const last = Math.max(...live.map((clip) => clip.to));
  const rollups = await readRollups(partition, level, level.start(first), level.start(last - 1));
  const down: TimeRange[] = [];
  for (const [start, rollup] of rollups) {
    if (rollup.n === 0) continue;
    const end = level.end(start);
    for (const clip of live) {
      const part = { from: Math.max(start, clip.from), to: Math.min(end, clip.to) };
      if (part.from >= part.to) continue;
      if (tag === 'H') {
        minutesOf(level, rollup, part, tally);
        continue;
      }
      const whole = part.from === start && part.to === end;
      const counted = liveOf(rollup.expiries, level.expiryUnitMs, nowMs);
      if (!whole || !counted?.allLive) {
        down.push(part);
        continue;
      }
      if (step(start) === step(end - 1)) {
        tally.add(start, rollup.n);
        continue;
      }
      // Every event is live, so the children's counts are live counts.
      for (const [attribute, n] of rollup.children) {
        const from = childStart(level, start, attribute);
        const to = levels[level.child as LevelTag].end(from);
        if (step(from) === step(to - 1)) tally.add(from, n);
        else down.push({ from, to });
      }
    }
  }
  if (level.child) await tallyLevel(partition, level.child, down, tally);
}

/** An hour's minutes in a part, each counted by its events' expiry minutes. */
function minutesOf(level: Level, rollup: Rollup, part: TimeRange, tally: Tally) {
  const { nowMs } = tally;
  for (const [attribute, perUnit] of rollup.minuteExpiries) {
    const from = childStart(level, level.start(part.from), attribute);
    if (from < part.from || from + minuteMs > part.to) continue;
    let n = 0;
    for (const [unit, count] of perUnit) {
      if (unit * minuteMs > nowMs) n += count;
      else if (Number.isNaN(unit) || (unit + 1) * minuteMs > nowMs) {
        // Expiring within this very minute, or expiries not kept: counted, flagged (the list would read them).
        n += count;
        tally.estimated = true;
      }
    }
    if (n > 0) tally.add(from, n);
  }
}

/** The sketches of a partition over a range: months whole and live, else their live days. */
async function sketchOf(
  partition: string,
  range: TimeRange,
  into: UserSketch,
  { sealedEnd, nowMs }: { sealedEnd: number; nowMs: number },
) {
  if (range.from >= range.to) return;
  const month = levels.M;
  const day = levels.D;
  const months = await readRollups(partition, month, month.start(range.from), month.start(range.to - 1));
  const monthSketches = await sketches(partition, 'M', month.start(range.from), month.start(range.to - 1));
  const byDay: TimeRange[] = [];
  for (const [start, rollup] of months) {
    const end = month.end(start);
    const live = liveOf(rollup.expiries, month.expiryUnitMs, nowMs);
    // A month's sketch holds only sealed minutes: one running past the seal is whole too.
    const whole = range.from <= start && (end <= range.to || range.to >= sealedEnd);
    if (whole && live?.allLive) {
      const sketch = monthSketches.get(start);
      if (sketch) into.merge(sketch);
    } else byDay.push({ from: Math.max(start, range.from), to: Math.min(end, range.to) });
  }
  for (const part of byDay) {
    const days = await readRollups(partition, day, day.start(part.from), day.start(part.to - 1));
    const daySketches = await sketches(partition, 'D', day.start(part.from), day.start(part.to - 1));
    for (const [start, rollup] of days) {
      const live = liveOf(rollup.expiries, day.expiryUnitMs, nowMs);
      // A day counts its users while any of its events is live.
      if (live !== null && live.live === 0) continue;
      const sketch = daySketches.get(start);
      if (sketch) into.merge(sketch);
    }
  }
}

async function sketches(partition: string, tag: 'D' | 'M', fromStart: number, toStart: number) {
  const found = new Map<number, UserSketch>();
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: {
      ':pk': partition,
      ':a': usersSortKey(tag, fromStart),
      ':b': usersSortKey(tag, toStart),
    },
  })) {
    found.set(
      levels[tag].start(Date.parse(`${(item.sk as string).slice(4)}${tag === 'M' ? '-01' : ''}T00:00Z`)),
      UserSketch.decode(item),
    );
  }
  return found;
}

export const tallies: Tallies = {
  async sealedEnd() {
    const through = await sealedThrough();
    return through === null ? 0 : (through + 1) * minuteMs;
  },

  async stepCounts(groups: readonly TallyGroup[], range: TimeRange, step: (ms: number) => number, nowMs: number) {
    const counts = new Map<string, Map<number, number>>();
    let estimated = false;
    await Promise.all(
      groups.map(async (group) => {
        const perStep = new Map<number, number>();
        counts.set(group.label, perStep);
        const tally: Tally = {
          step,
          nowMs,
          add: (ms, n) => {
            const at = step(ms);
            perStep.set(at, (perStep.get(at) ?? 0) + n);
          },
          estimated: false,
        };
        for (const tallied of group.of) await tallyLevel(partitionOf(tallied), 'M', [range], tally);
        estimated ||= tally.estimated;
      }),
    );
    return { counts, estimated };
  },

  async users(groups: readonly TallyGroup[], range: TimeRange, nowMs: number) {
    const users = new Map<string, UserSketch>();
    const sealedEnd = await tallies.sealedEnd();
    await Promise.all(
      groups.map(async (group) => {
        const sketch = UserSketch.empty();
        users.set(group.label, sketch);
        for (const tallied of group.of) await sketchOf(partitionOf(tallied), range, sketch, { sealedEnd, nowMs });
      }),
    );
    // A range cutting a sealed day counts that whole day's users.
    const cut = (range.from > 0 && range.from % dayMs !== 0) || (range.to < sealedEnd && range.to % dayMs !== 0);
    return { users, estimated: range.from < range.to && cut };
  },

  actionsOf: actionsOfMonths,

  async appsOf(action: string, atMost: number) {
    const apps = new Map<string, Record<string, unknown>>();
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':pk': `R#action#${keyOf('action', action)}`,
          ':a': 'A#',
          ':now': Math.floor(Date.now() / 1000),
        },
        // Read at most one past the bound: an action with more applications is read as events.
        Limit: atMost + 1,
      }),
    );
    if (LastEvaluatedKey) return null;
    for (const item of Items) {
      const object = JSON.parse(item.app as string) as Record<string, unknown>;
      const pk = object.pk;
      apps.set(typeof pk === 'string' || typeof pk === 'number' ? String(pk) : (item.sk as string).slice(2), object);
    }
    return apps;
  },
};
