// The seal (docs/data-model.md, "How counts are kept: the seal"): every minute once no ingest can
// still write into it, in order, by one sealer at a time holding a lease: the minute's events
// counted per term (./term-counts.ts), its listings (./listings.ts), rollups (./rollup-writes.ts)
// and user sketches (./user-sketches.ts) written, then the mark moved past it. Key shape:
//   seal    pk SEAL  sk SEAL  through (last sealed minute), at, stable, lease, holder
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { envInt } from '../config.ts';
import { minuteMs } from '../time-units.ts';
import { documents, getAll, putAll, tableName } from './client.ts';
import { conditionFailed, ignoreFailedCondition } from './conflicts.ts';
import { listingItems } from './listings.ts';
import { addMinute } from './rollup-writes.ts';
import { levels } from './rollups.ts';
import { countEvents, nextEventMinute, type TermCount, type TermMinute } from './term-counts.ts';
import { addUsers } from './user-sketches.ts';

const sealKey = { pk: 'SEAL', sk: 'SEAL' };
const leaseMs = 5 * minuteMs;

/** How long rollups written by a run may not yet show in eventually consistent reads. */
const rollupReadLagMs = envInt('ROLLUP_READ_LAG_MS', 5_000);

/** The last sealed minute (epoch minutes) readers may rely on, or null before the first seal. */
export async function sealedThrough(lagMs = rollupReadLagMs): Promise<number | null> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: sealKey }));
  if (!Item || typeof Item.through !== 'number') return null;
  return Date.now() - (Item.at as number) >= lagMs ? Item.through : (Item.stable as number);
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

/** Seals every minute older than the delay, in order; returns how many it sealed. */
export async function sealMinutes(options: SealOptions): Promise<number> {
  const holder = randomUUID();
  const mark = await takeLease(holder, options.nowMs);
  if (!mark) return 0;
  // The last minute old enough: its end plus the delay has passed.
  const last = Math.floor((options.nowMs - options.delayMs) / minuteMs) - 1;
  const stable = mark.through ?? Math.min(last, (await nextEventMinute(0)) - 1);
  const advance = (minute: number) => markSealed(holder, minute, stable);
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
    await releaseLease(holder);
  }
  return sealed;
}

/** Moves the seal mark to `minute` while `holder` holds the lease; each step renews the lease. */
async function markSealed(holder: string, minute: number, stable: number) {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: sealKey,
      // A long run (a backlog) keeps the lease while it makes progress.
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
}

/** Ends `holder`'s lease (a lease taken over by another sealer meanwhile stays theirs). */
async function releaseLease(holder: string) {
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

/** Events per term (by rollup partition) in one minute, read once from the table's timeline. */
const countMinute = (minute: number) => countEvents(minute * minuteMs, (minute + 1) * minuteMs);

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
  const terms: TermMinute[] = [...counts].map(([partition, count]) => ({ partition, minute, ms, count }));
  const updates: (() => Promise<void>)[] = [];
  for (const term of terms) updates.push(() => addMinute(term, months.get(term.partition)));
  // A few at a time: each is one small UpdateItem.
  for (const term of terms) {
    if (!term.count.users?.size) continue;
    for (const tag of ['D', 'M'] as const) updates.push(() => addUsers(term, tag));
  }
  const workers = Array.from({ length: 16 }, async () => {
    for (let next = updates.shift(); next; next = updates.shift()) await next();
  });
  await Promise.all(workers);
}
