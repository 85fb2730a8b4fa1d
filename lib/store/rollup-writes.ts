// Adding a sealed minute of a term to its rollups (./rollups.ts): into its compact month while
// that has room, else into its hour, day and month, each at most once per minute (`s < minute`);
// a compact month that would outgrow its item becomes plain first. A term's first minute in a
// month records its action (./actions-seen.ts) or its action's application (./action-apps.ts).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { minuteMs } from '../time-units.ts';
import { actionAppPrefix, actionPartitionPrefix, recordApp } from './action-apps.ts';
import { recordAction, recordActionMonth } from './actions-seen.ts';
import { documents, tableName } from './client.ts';
import { ignoreFailedCondition, type TransactItems, transactWrite } from './conflicts.ts';
import {
  bump,
  compactAttribute,
  compactBuckets,
  compactEntriesMax,
  isCompact,
  type Level,
  levels,
  type Rollup,
  rollupOf,
} from './rollups.ts';
import { oneDayAfter, type TermCount, type TermMinute, undecided } from './term-counts.ts';

/** Adds a term's minute to its rollups: to a compact month while it has room, else to hour, day and month. */
export async function addMinute(term: TermMinute, month: Record<string, unknown> | undefined) {
  const { minute, ms, count } = term;
  if (typeof month?.s === 'number' && month.s >= minute) return; // applied already (a rerun)
  const kept = !undecided(count, minute);
  const entries = new Map<string, number>();
  if (!kept) entries.set(compactAttribute(null, ms), count.n);
  else for (const [expiryMinute, n] of count.expiries) entries.set(compactAttribute(expiryMinute, ms), n);
  if (!month || (isCompact(month) && (month.f as number) + entries.size <= compactEntriesMax)) {
    await addToCompactMonth(term, entries);
    return;
  }
  if (isCompact(month)) await expandMonth(month);
  for (const level of Object.values(levels)) await addToRollup(term, level, kept);
}

/** Adds a term's minute to its compact month: one UpdateItem, conditioned on the form the seal read. */
async function addToCompactMonth(term: TermMinute, entries: ReadonlyMap<string, number>) {
  const { partition, minute, ms, count } = term;
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
  await afterMonthWrite(term, key, Attributes);
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
async function addToRollup(term: TermMinute, level: Level, kept: boolean) {
  const { partition, minute, ms, count } = term;
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
      if (level.tag === 'M') await afterMonthWrite(term, key, Attributes);
      else await raiseTtl(key, Attributes, count);
    })(),
  );
}

/** After a minute went into a term's month: its first minute there records the action (or the app). */
async function afterMonthWrite(
  { partition, ms, count }: TermMinute,
  key: Record<string, unknown>,
  attributes: Record<string, unknown> | undefined,
) {
  if (attributes?.n === count.n && partition.startsWith(actionPartitionPrefix)) {
    const action = partition.slice(actionPartitionPrefix.length);
    await recordAction(action, oneDayAfter(count));
    await recordActionMonth(action, ms, oneDayAfter(count));
  }
  if (attributes?.n === count.n && partition.startsWith(actionAppPrefix)) {
    await recordApp(partition, count.app, oneDayAfter(count));
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
