// The event log inside one busy sealed minute (lib/store/event-log.ts): more listing chunks
// than one request may merge, so pages of several terms are planned from the nearer end of the
// minute, and a brand (no index) is fetched by id from its listing chunks.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../../lib/events/event.ts';
import type { EventLog, LogOrder } from '../../../lib/events/event-log.ts';
import type { Term } from '../../../lib/events/terms.ts';
import { useFreshTable } from '../../helpers/table.ts';

const minute = Date.parse('2026-03-10T08:00:00Z');
const range = { from: minute - 3_600_000, to: minute + 3_600_000 };
// 2 × 1 200 events: 10 listing chunks (240 ids each) for the two actions together; one request merges ≤ 4 here.
const perAction = 1_200;
const listingChunks = 4;
const seeded: Event[] = [];
let log: EventLog;

beforeAll(async () => {
  await useFreshTable();
  const { eventStore } = await import('../../../lib/store/events.ts');
  const { sealMinutes } = await import('../../../lib/store/seal.ts');
  const { eventLog } = await import('../../../lib/store/event-log.ts');
  for (let n = 0; n < 2 * perAction; n++) {
    const input = {
      action: n % 2 === 0 ? 'login' : 'logout',
      app: 'authentik.core',
      user: { username: `user-${n % 50}`, pk: n % 50 },
      brand: { name: n % 3 === 0 ? 'north' : 'south' },
    };
    seeded.push(newEvent(input, new Date(minute + Math.floor((n * 59_000) / (2 * perAction))), 365 * 3));
  }
  await eventStore.putMany(seeded);
  expect(await sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 10_000_000 })).toBeGreaterThan(0);
  // A budget of 2: any skip read of more than 2 events is refused, so only listings reach these pages.
  log = eventLog({ readBudget: 2, listingChunks });
}, 240_000);

function expected(keep: (e: Event) => boolean, order: LogOrder) {
  const ids = seeded
    .filter(keep)
    .map((e) => e.pk)
    .sort();
  return order === 'newest' ? ids.reverse() : ids;
}

const cases: [string, Term[], (e: Event) => boolean][] = [
  [
    'two actions',
    [
      { kind: 'action', value: 'login' },
      { kind: 'action', value: 'logout' },
    ],
    () => true,
  ],
  ['a brand (no index)', [{ kind: 'brand', value: 'north' }], (e) => e.brand?.name === 'north'],
];

describe('a busy sealed minute', () => {
  it.each(cases)('%s: the first, a middle-near-the-end and the last page, either order', async (_name, terms, keep) => {
    for (const order of ['newest', 'oldest'] as const) {
      const want = expected(keep, order);
      for (const offset of [0, 37, want.length - 160, want.length - 50, want.length - 7]) {
        const page = await log.find({ terms, range, order, offset, limit: 50 });
        expect(page.count).toBe(want.length);
        expect(
          page.events.map((e) => e.pk),
          `${order} ${offset}`,
        ).toEqual(want.slice(offset, offset + 50));
      }
    }
  });

  it('refuses a page in the middle of the minute that would merge more chunks than allowed', async () => {
    const [, terms] = cases[0] as (typeof cases)[number];
    await expect(log.find({ terms, range, order: 'newest', offset: perAction, limit: 50 })).rejects.toMatchObject({
      code: 'page.tooDeep',
    });
  });
});
