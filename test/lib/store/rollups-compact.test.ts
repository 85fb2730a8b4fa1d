// A term's month is kept compact (one item, one write per minute) until it would outgrow 40
// entries; then the seal writes its hour and day items and the month's plain form
// (lib/store/rollup-writes.ts). Counts and pages agree with the events in either form, whole months
// and ranges cutting days and hours alike.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../../lib/events/event.ts';
import type { Term } from '../../../lib/events/terms.ts';
import { useFreshTable } from '../../helpers/table.ts';

let tableName: string;
let documents: typeof import('../../../lib/store/client.ts').documents;
let queryAll: typeof import('../../../lib/store/client.ts').queryAll;
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;
let sealMinutes: typeof import('../../../lib/store/seal.ts').sealMinutes;

// 46 minutes of one user, each in an hour of its own, over four days of March: two events a minute.
const minutes = Array.from({ length: 46 }, (_, i) =>
  Date.UTC(2026, 2, 1 + Math.floor(i / 12), 8 + (i % 12), (i * 7) % 60),
);
const seeded: Event[] = minutes.flatMap((ms, i) =>
  [0, 1].map((k) =>
    newEvent(
      { action: k === 0 ? 'login' : 'logout', app: 'a', user: { username: 'compact-user', pk: 7 } },
      new Date(ms + k * 1_000 + i),
      365,
    ),
  ),
);
const user: Term[] = [{ kind: 'actor', value: 'compact-user' }];
const delayMs = 90_000;

/** Seals every minute before `throughMs`, then waits the 5 s readers give a fresh seal. */
async function sealBefore(throughMs: number) {
  await sealMinutes({ nowMs: throughMs + delayMs, delayMs, maxMinutes: 10_000_000 });
}

const month = () =>
  queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'R#actor#compact-user' },
  });

/** Every range a reader may be asked: the whole month, and edges cutting a day and an hour. */
const ranges = [
  { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 3, 1) },
  { from: Date.UTC(2026, 2, 2, 10, 30), to: Date.UTC(2026, 2, 4, 9, 15) },
  { from: Date.UTC(2026, 2, 1, 12), to: Date.UTC(2026, 2, 1, 12, 50) },
];

async function expectAgreement(sealedThrough: number) {
  const log = makeLog({ readBudget: 1000, now: () => Date.now() });
  for (const range of ranges) {
    const expected = seeded
      .filter((e) => Date.parse(e.created) >= range.from && Date.parse(e.created) < range.to)
      .map((e) => e.pk)
      .sort()
      .reverse();
    for (const terms of [user, [{ kind: 'all', value: '' } as Term], [{ kind: 'action', value: 'login' } as Term]]) {
      const label = `${terms[0]?.kind} ${new Date(range.from).toISOString()} sealed through ${new Date(sealedThrough).toISOString()}`;
      const wanted =
        terms[0]?.kind === 'action'
          ? expected.filter((id) => seeded.find((e) => e.pk === id)?.action === 'login')
          : expected;
      const counted = await log.count(terms, range);
      expect(counted, label).toEqual({ count: wanted.length, estimated: false });
      const paged: string[] = [];
      for (let offset = 0; offset < wanted.length; offset += 7) {
        const found = await log.find({ terms, range, order: 'newest', offset, limit: 7 });
        expect(found.count, label).toBe(wanted.length);
        paged.push(...found.events.map((e) => e.pk));
      }
      expect(paged, label).toEqual(wanted);
    }
  }
}

beforeAll(async () => {
  tableName = await useFreshTable();
  const { eventStore } = await import('../../../lib/store/events.ts');
  ({ documents, queryAll } = await import('../../../lib/store/client.ts'));
  ({ eventLog: makeLog } = await import('../../../lib/store/event-log.ts'));
  ({ sealMinutes } = await import('../../../lib/store/seal.ts'));
  await eventStore.putMany(seeded);
}, 60_000);

describe('a compact month', () => {
  it('holds a term while it has room: one month item, no day or hour items; counts and pages exact', async () => {
    const through = (minutes[20] as number) + 60_000;
    await sealBefore(through);
    const items = await month();
    expect(items.map((item) => item.sk)).toEqual(['M#2026-03']);
    expect(items[0]?.f).toBe(21);
    expect(items[0]?.n).toBe(42);
    await expectAgreement(through);
  }, 120_000);

  it('becomes plain when a minute would take it past 40 entries: hour, day and month items, as if always plain', async () => {
    const through = (minutes.at(-1) as number) + 60_000;
    await sealBefore(through);
    const items = await month();
    const byLevel = (tag: string) => items.filter((item) => (item.sk as string).startsWith(`${tag}#`));
    expect(byLevel('M')).toHaveLength(1);
    expect(byLevel('M')[0]?.f).toBeUndefined();
    expect(byLevel('M')[0]?.n).toBe(92);
    expect(byLevel('D').map((item) => item.sk)).toEqual([
      'D#2026-03-01',
      'D#2026-03-02',
      'D#2026-03-03',
      'D#2026-03-04',
    ]);
    expect(byLevel('H')).toHaveLength(46);
    expect(byLevel('H').reduce((sum, item) => sum + (item.n as number), 0)).toBe(92);
    // Minutes sealed again (as after a crash before the seal mark moved) change nothing: each
    // item holds s, the last minute applied to it, in either form.
    const before = JSON.stringify(await month());
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SEAL', sk: 'SEAL' },
        UpdateExpression: 'SET through = :m',
        ExpressionAttributeValues: { ':m': Math.floor((minutes[10] as number) / 60_000) },
      }),
    );
    await sealBefore(through);
    expect(JSON.stringify(await month())).toBe(before);
    await expectAgreement(through);
  }, 120_000);
});
