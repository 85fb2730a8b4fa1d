// The seal's expiry histograms stay bounded whatever `expires` clients send (lib/store/rollup-writes.ts):
// a minute with more distinct expiry minutes than a histogram keeps, or one past the horizon,
// is kept as `u` (count only), and readers decide that minute from its listing (or read it).
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../../lib/events/event.ts';
import type { Term } from '../../../lib/events/terms.ts';
import { useFreshTable } from '../../helpers/table.ts';

let tableName: string;
let documents: typeof import('../../../lib/store/client.ts').documents;
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;

const nowMs = Date.now();
const hour = Date.parse('2026-03-01T10:00:00Z');
const at = (minute: number, second: number) => new Date(hour + minute * 60_000 + second * 1_000);
const seeded: Event[] = [];
const user = { username: 'u-1', pk: 1 };

beforeAll(async () => {
  tableName = await useFreshTable();
  const { eventStore } = await import('../../../lib/store/events.ts');
  const { sealMinutes } = await import('../../../lib/store/seal.ts');
  ({ documents } = await import('../../../lib/store/client.ts'));
  ({ eventLog: makeLog } = await import('../../../lib/store/event-log.ts'));
  const event = (created: Date, expires: string) =>
    newEvent({ action: 'login', app: 'a', user, expires }, created, 365);
  // Minute 05: ten distinct expiry minutes (one already past), more than a histogram keeps.
  for (let k = 0; k < 10; k++) {
    const expires = k === 0 ? nowMs - 60_000 : nowMs + k * 86_400_000 + k * 60_000;
    seeded.push(event(at(5, k), new Date(expires).toISOString()));
  }
  // Minute 06: one expiry past the ten-year horizon. Minute 07: a fixed retention, kept as ever.
  seeded.push(event(at(6, 0), '2040-01-01T00:00:00Z'));
  for (let k = 0; k < 3; k++) seeded.push(event(at(7, k), new Date(nowMs + 86_400_000).toISOString()));
  await eventStore.putMany(seeded);
  expect(await sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 10_000_000 })).toBeGreaterThan(0);
}, 120_000);

const range = { from: hour - 86_400_000, to: hour + 86_400_000 };
const live = () =>
  seeded
    .filter((e) => Date.parse(e.expires) > nowMs)
    .map((e) => e.pk)
    .sort()
    .reverse();

describe('expiry histograms of a rollup', () => {
  it('keep an undecidable minute as `u`: one attribute, not one per expiry', async () => {
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    // Three minutes of one term: a compact month (one entry per expiry minute and minute of creation).
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'R#all', sk: 'M#2026-03' } }),
    );
    const expiries = Object.keys(Item ?? {})
      .filter((name) => /^f.+_/.test(name))
      .sort();
    expect(expiries).toHaveLength(3);
    expect(expiries.slice(1)).toEqual(['fu_011005', 'fu_011006']);
    expect(expiries[0]).toMatch(/^f\d+_011007$/);
    expect(Item?.f).toBe(3);
  });

  it('decide those minutes from their listings for exact counts and pages, and flag the count when neither listings nor the budget can', async () => {
    const terms: Term[] = [{ kind: 'actor', value: 'u-1' }];
    for (const kind of ['all', 'actor'] as const) {
      const found = await makeLog({ readBudget: 1000, now: () => nowMs }).find({
        terms: kind === 'all' ? [{ kind: 'all', value: '' }] : terms,
        range,
        order: 'newest',
        offset: 0,
        limit: 50,
      });
      expect(found.count, kind).toBe(live().length);
      expect(found.estimated, kind).toBe(false);
      expect(
        found.events.map((e) => e.pk),
        kind,
      ).toEqual(live());
    }
    // No event may be read beyond a minute's eight: minute 05 is decided by its listing (each id
    // with its expiry), minute 06 holds one event and is read; the count is exact.
    const tight = await makeLog({ readBudget: 0, now: () => nowMs }).count(terms, range);
    expect(tight).toEqual({ count: live().length, estimated: false });
    // Without the listing chunks as well, minute 05 can only be read: counted as far as read, flagged.
    const blind = await makeLog({ readBudget: 0, listingChunks: 0, now: () => nowMs }).count(terms, range);
    expect(blind.estimated).toBe(true);
    expect(blind.count).toBeGreaterThanOrEqual(3);
    expect(blind.count).toBeLessThan(live().length);
  });
});
