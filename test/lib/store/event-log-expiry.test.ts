// No event makes a minute uncountable (issue 20 item 5): a far expiry, more distinct expiry
// minutes than a histogram keeps, events expiring now or already expired in a busy minute. Such
// a minute is decided by its listing (each id with its expiry): counts and every page exact with
// a read budget far below the minute's events, sealed and still open (the live seal).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../../lib/events/event.ts';
import type { EventLog, LogOrder } from '../../../lib/events/event-log.ts';
import type { Term } from '../../../lib/events/terms.ts';
import { liveLogStore } from '../../helpers/live-log.ts';

let store: typeof import('../../../lib/store/events.ts').eventStore;
let live: typeof import('../../../lib/store/live-seal.ts');
let seal: typeof import('../../../lib/store/seal.ts');
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;

const tag = randomUUID().slice(0, 8);
const seeded: Event[] = [];
const budget = 30;

/** `count` events of `action` inside one second at `atMs`, expiring as `expires(n)` says. */
function minuteOf(action: string, count: number, atMs: number, expires: (n: number) => string | undefined) {
  return Array.from({ length: count }, (_, n) =>
    newEvent(
      {
        action,
        app: 'authentik.core',
        user: { username: `user-${n % 5}-${tag}` },
        brand: { name: `b-${tag}` },
        ...(expires(n) !== undefined && { expires: expires(n) }),
      },
      new Date(atMs + Math.floor((n * 900) / count)),
      30,
    ),
  );
}

async function expectExact(log: EventLog, terms: Term[], keep: (e: Event) => boolean, name: string) {
  const range = { from: Date.now() - 3_600_000, to: Date.now() + 60_000 };
  const ids = seeded
    .filter((e) => keep(e) && Date.parse(e.expires) > Date.now())
    .map((e) => e.pk)
    .sort();
  for (const order of ['newest', 'oldest'] as LogOrder[]) {
    const want = order === 'newest' ? [...ids].reverse() : ids;
    for (const offset of [0, 40, Math.floor(want.length / 2), want.length - 20]) {
      const page = await log.find({ terms, range, order, offset, limit: 20 });
      expect(page.count, `${name} ${order} ${offset}`).toBe(want.length);
      expect(page.estimated, `${name} estimated`).toBe(false);
      expect(
        page.events.map((e) => e.pk),
        `${name} ${order} ${offset}`,
      ).toEqual(want.slice(offset, offset + 20));
    }
  }
}

let lastSoonExpiry = 0;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const action = (value: string): Term[] => [{ kind: 'action', value }];

beforeAll(async () => {
  ({ store, live, seal, makeLog } = await liveLogStore());
  const tenMinutesAgo = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  seeded.push(
    // 1 100 events, one of them kept until 9999.
    ...minuteOf('custom_far', 1_100, tenMinutesAgo, (n) => (n === 500 ? '9999-12-31T00:00:00Z' : undefined)),
    // 300 events over 12 distinct expiry minutes, 20 of them expiring within seconds.
    ...minuteOf('custom_many', 300, tenMinutesAgo + 60_000, (n) =>
      n % 15 === 0 ? inSeconds(4 + (n % 3)) : inSeconds(3_600 + (n % 12) * 120),
    ),
  );
  await store.putMany(seeded);
  lastSoonExpiry = Math.max(...seeded.map((e) => Date.parse(e.expires)).filter((ms) => ms < Date.now() + 60_000));
}, 60_000);

describe('minutes the expiry histograms do not decide', () => {
  it('are exact once sealed: a far expiry, many expiries, some expired since', async () => {
    await seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 1_000 });
    // 20 events expire meanwhile: wait for the last of them.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastSoonExpiry + 1_000 - Date.now())));
    const log = makeLog({ readBudget: budget });
    await expectExact(log, action('custom_far'), (e) => e.action === 'custom_far', 'far expiry');
    await expectExact(log, action('custom_many'), (e) => e.action === 'custom_many', 'many expiries');
    await expectExact(log, [{ kind: 'brand', value: `b-${tag}` }], () => true, 'brand');
  }, 120_000);

  it('are exact while open, from the live seal: expiring now and expired in a busy minute', async () => {
    const start = Date.now() - 20_000;
    const open = [
      ...minuteOf('custom_open_far', 400, start, (n) => (n === 7 ? '9999-12-31T00:00:00Z' : undefined)),
      ...minuteOf('custom_open_soon', 200, start + 5_000, (n) => (n % 10 === 0 ? inSeconds(3) : undefined)),
    ];
    seeded.push(...open);
    await store.putMany(open);
    const target = Date.now() - 1_000;
    for (let pass = await live.sealLive({ nowMs: Date.now(), delayMs: 1_000 }); (pass?.through ?? 0) < target; ) {
      pass = await live.sealLive({ nowMs: Date.now(), delayMs: 1_000 });
    }
    const log = makeLog({ readBudget: budget });
    await expectExact(log, action('custom_open_far'), (e) => e.action === 'custom_open_far', 'open far');
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await expectExact(log, action('custom_open_soon'), (e) => e.action === 'custom_open_soon', 'open, some expired');
  }, 120_000);
});
