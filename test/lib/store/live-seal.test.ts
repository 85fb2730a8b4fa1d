// The live log (lib/store/live-seal.ts, docs/data-model.md "The live log"): counts and every
// page exact while the seal has not caught up, with a budget far below the unsealed events:
// after live passes only, across a seal that runs mid-way, with late writes, with a sealer that
// stops half-way, for each filter alone and combined.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, eventActor, eventPerson, newEvent } from '../../../lib/events/event.ts';
import type { EventLog, LogOrder } from '../../../lib/events/event-log.ts';
import { actorPersonTerm, type Term } from '../../../lib/events/terms.ts';
import { liveLogStore } from '../../helpers/live-log.ts';

let store: typeof import('../../../lib/store/events.ts').eventStore;
let live: typeof import('../../../lib/store/live-seal.ts');
let seal: typeof import('../../../lib/store/seal.ts');
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;

const tag = randomUUID().slice(0, 8);
const heavy = `heavy-${tag}`;
const budget = 40;
const delayMs = 1_000;
const seeded: Event[] = [];

/** A burst's events over the last `spanMs`, half of them from one actor, two brands. */
function burst(count: number, spanMs: number, endMs: number): Event[] {
  return Array.from({ length: count }, (_, n) => {
    const user = n % 2 === 0 ? heavy : `user-${n % 17}-${tag}`;
    const input = {
      action: ['login', 'login_failed', 'logout'][n % 3] as string,
      app: 'authentik.core',
      user: { username: user, pk: n % 2 === 0 ? 1 : 100 + (n % 17) },
      // A few of the heavy actor's events are about rare persons.
      context: { person_id: n % 50 === 0 ? `rare-${(n / 50) % 3}` : `person-${n % 4}` },
      client_ip: `192.0.2.${n % 5}`,
      brand: { name: n % 4 === 0 ? `north-${tag}` : `south-${tag}` },
    };
    return newEvent(input, new Date(endMs - spanMs + Math.floor((n * spanMs) / count)), 30);
  });
}

/** Live passes until the mark has passed every event written before the call (and the delay). */
async function catchUp() {
  const target = Date.now() - delayMs;
  for (let i = 0; i < 20; i++) {
    const pass = await live.sealLive({ nowMs: Date.now(), delayMs });
    if (pass && pass.through >= target) return pass;
  }
  throw new Error('the live seal did not catch up');
}

const terms: [string, Term[], (e: Event) => boolean][] = [
  ['every event', [{ kind: 'all', value: '' }], () => true],
  ['an action', [{ kind: 'action', value: 'login_failed' }], (e) => e.action === 'login_failed'],
  [
    'two actions',
    [
      { kind: 'action', value: 'login' },
      { kind: 'action', value: 'logout' },
    ],
    (e) => e.action !== 'login_failed',
  ],
  ['the heavy actor', [{ kind: 'actor', value: heavy }], (e) => eventActor(e) === heavy],
  ['a rare actor', [{ kind: 'actor', value: `user-3-${tag}` }], (e) => eventActor(e) === `user-3-${tag}`],
  ['a person', [{ kind: 'person', value: 'person-1' }], (e) => eventPerson(e) === 'person-1'],
  ['a brand (no index)', [{ kind: 'brand', value: `north-${tag}` }], (e) => e.brand.name === `north-${tag}`],
  ['a client IP', [{ kind: 'client_ip', value: '192.0.2.3' }], (e) => e.client_ip === '192.0.2.3'],
  [
    'an actor and person pair',
    [actorPersonTerm(heavy, 'person-2')],
    (e) => eventActor(e) === heavy && eventPerson(e) === 'person-2',
  ],
  [
    'a rare pair of the busy actor (read through the person)',
    [actorPersonTerm(heavy, 'rare-1')],
    (e) => eventActor(e) === heavy && eventPerson(e) === 'rare-1',
  ],
];

async function expectExact(
  log: EventLog,
  name: string,
  query: Term[],
  keep: (e: Event) => boolean,
  range = { from: Date.now() - 3_600_000, to: Date.now() + 60_000 },
) {
  const inRange = (e: Event) => Date.parse(e.created) >= range.from && Date.parse(e.created) < range.to;
  for (const order of ['newest', 'oldest'] as LogOrder[]) {
    const ids = seeded
      .filter((e) => keep(e) && inRange(e) && Date.parse(e.expires) > Date.now())
      .map((e) => e.pk)
      .sort();
    const want = order === 'newest' ? ids.reverse() : ids;
    const limit = 25;
    const offsets = [0, limit, Math.floor(want.length / 2), Math.max(0, want.length - limit), want.length - 1];
    for (const offset of offsets.filter((o) => o >= 0)) {
      const page = await log.find({ terms: query, range, order, offset, limit });
      expect(page.count, `${name} ${order} ${offset}: count`).toBe(want.length);
      expect(page.estimated, `${name}: estimated`).toBe(false);
      expect(
        page.events.map((e) => e.pk),
        `${name} ${order} ${offset}`,
      ).toEqual(want.slice(offset, offset + limit));
    }
  }
}

beforeAll(async () => {
  ({ store, live, seal, makeLog } = await liveLogStore());
});

describe('the live log', () => {
  it('is exact right after a burst, with no seal run and a tail 20 times the read budget', async () => {
    // 800 events over the last 100 s: two open minutes or three, none sealed.
    const events = burst(800, 100_000, Date.now() - 1_500);
    seeded.push(...events);
    await store.putMany(events);
    await catchUp();
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms) await expectExact(log, name, query, keep);
  }, 120_000);

  it('shows events written since the last pass at once while they are few', async () => {
    const recent = burst(10, 200, Date.now());
    for (const event of recent) await store.put(event);
    seeded.push(...recent);
    const log = makeLog({ readBudget: budget });
    await expectExact(log, 'every event', [{ kind: 'all', value: '' }], () => true);
  });

  it('counts a late write (one that missed the stretch covering it) once its minute is re-read, and reads that minute until then', async () => {
    await catchUp();
    // Created 5 s ago, written now: the last pass read past it.
    const [late] = burst(1, 1, Date.now() - 5_000) as [Event];
    await store.put(late);
    seeded.push(late);
    const mark = await live.liveMark();
    expect(mark?.dirtyMinutes.has(Math.floor(Date.parse(late.created) / 60_000))).toBe(true);
    // Before the re-read: that minute is read, so a generous budget is exact.
    const wide = makeLog({ readBudget: 5_000 });
    await expectExact(wide, 'every event', [{ kind: 'all', value: '' }], () => true);
    await catchUp();
    expect((await live.liveMark())?.dirtyMinutes.size).toBe(0);
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms.slice(0, 4)) await expectExact(log, name, query, keep);
  }, 120_000);

  it('counts a write named late that the stretch had read after all exactly once', async () => {
    await catchUp();
    const { noteLateWrites } = await import('../../../lib/store/late-writes.ts');
    // Counted by a pass already; its writer (slow to answer) names it anyway.
    await noteLateWrites([seeded[seeded.length - 3] as Event]);
    expect((await live.liveMark())?.dirtyMinutes.size).toBe(1);
    await catchUp();
    expect((await live.liveMark())?.dirtyMinutes.size).toBe(0);
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms.slice(0, 4)) await expectExact(log, name, query, keep);
  }, 120_000);

  it('stays exact across a seal that runs mid-way, and after it', async () => {
    // Seal what is 30 s old: some minutes from the rollups, the rest still provisional.
    await seal.sealMinutes({ nowMs: Date.now(), delayMs: 30_000, maxMinutes: 100 });
    await catchUp();
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms) await expectExact(log, name, query, keep);
  }, 120_000);

  it('a pass that fails half-way (listings written, provisional items not) counts nothing twice when the next pass goes on', async () => {
    const { documents } = await import('../../../lib/store/client.ts');
    const more = burst(150, 1_500, Date.now() - 1_100);
    seeded.push(...more);
    await store.putMany(more);
    let failing = true;
    documents.middlewareStack.add(
      (next) => async (args) => {
        const key = (args.input as { Key?: { sk?: unknown } }).Key;
        if (failing && String(key?.sk ?? '').startsWith('P#')) {
          failing = false;
          throw new Error('crash half-way');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crashHalfWay' },
    );
    try {
      await expect(live.sealLive({ nowMs: Date.now(), delayMs })).rejects.toThrow('crash half-way');
    } finally {
      documents.middlewareStack.remove('crashHalfWay');
    }
    expect(failing).toBe(false);
    await catchUp();
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms) await expectExact(log, name, query, keep);
  }, 120_000);

  it('a new sealer takes over once the lease of one that stopped runs out, rebuilding the open minute from the table', async () => {
    const more = burst(120, 2_000, Date.now() - 1_100);
    seeded.push(...more);
    await store.putMany(more);
    // Another container: it holds nothing of the open minute and rebuilds it from the table.
    live.resetLiveSealer();
    await new Promise((resolve) => setTimeout(resolve, 10_100));
    await catchUp();
    const log = makeLog({ readBudget: budget });
    for (const [name, query, keep] of terms) await expectExact(log, name, query, keep);
  }, 120_000);

  it('is exact for a range that cuts minutes anywhere (a created bound, an analytics step), open and sealed ones (last: it seals every minute)', async () => {
    const log = makeLog({ readBudget: budget });
    const times = seeded.map((e) => Date.parse(e.created)).sort((a, b) => a - b);
    // Mid-minute bounds, with more events of a term between a bound and its minute's edge than the budget.
    const cuts = [
      { from: (times[300] as number) + 1, to: Date.now() + 60_000 },
      { from: times[100] as number, to: times[700] as number },
    ];
    for (const range of cuts) for (const [name, query, keep] of terms) await expectExact(log, name, query, keep, range);
    await seal.sealMinutes({ nowMs: Date.now() + 600_000, delayMs: 0, maxMinutes: 100 });
    for (const range of cuts) for (const [name, query, keep] of terms) await expectExact(log, name, query, keep, range);
  }, 240_000);
});
