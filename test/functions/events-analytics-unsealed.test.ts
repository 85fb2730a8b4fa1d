// volume/ over a stretch the seal has not reached (a table whose seal has not run yet), its events
// over several six-hour steps: the edges are counted per action through the event log, peeled
// from the newest step (lib/events/analytics.ts `edgeCounts`), so the series is exact even when
// the events are more than one request may read; past the partitions of one request the events
// are read as events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';
import { bruteVolume, sixHours } from '../helpers/volume.ts';

let service: Service;
const events: Event[] = [];
const actions = ['login', 'logout', 'login_failed'];
const many = Array.from({ length: 17 }, (_, i) => `custom_spread_${i}`);

beforeAll(async () => {
  // More than one action's events (50), fewer than all: reading them all as events could not be exact.
  process.env.EVENT_READ_BUDGET = '60';
  service = await startService();
  const span = 11 * 3_600_000;
  const start = Date.now() - span;
  // Eleven hours (two or three steps), uneven; nothing sealed.
  for (let i = 0; i < 150; i++) {
    const at = start + Math.floor((i * i * span) / (150 * 150));
    const action = actions[i % 3] as string;
    events.push(
      newEvent({ action, app: 'authentik.events', user: { pk: i % 4, username: `u${i % 4}` } }, new Date(at), 365),
    );
  }
  await store(events);
}, 120_000);

/** As ingest stores events, then notes them (their actions' months: what "every action" expands). */
async function store(list: readonly Event[]) {
  const { eventStore } = await import('../../lib/store/events.ts');
  const { afterEventsWritten } = await import('../../lib/store/events-written.ts');
  await eventStore.putMany(list);
  await afterEventsWritten(list);
}
afterAll(() => service.close());

describe('volume/ over an unsealed stretch of several steps', () => {
  it('counts each action per step exactly, though the events are more than the read budget', async () => {
    const answer = await service.call('GET', '/events/events/volume/');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('x-count-estimated')).toBeNull();
    expect(answer.body).toEqual(bruteVolume(events));
    const two = await service.call('GET', '/events/events/volume/?actions=login&actions=logout');
    expect(two.body).toEqual(bruteVolume(events.filter((event) => event.action !== 'login_failed')));
  });

  it('past the partitions of one request the events are read: more than the budget answers 400', async () => {
    const spread = many.map((action, i) =>
      newEvent({ action, app: 'authentik.events', user: { pk: 1 } }, new Date(Date.now() - i * sixHours), 365),
    );
    await store(spread);
    const answer = await service.call('GET', '/events/events/volume/');
    expect(answer.status, answer.text).toBe(400);
    expect(Object.keys(answer.body)).toEqual(['history_days']);
    // Naming the actions bounds it again.
    const named = await service.call('GET', `/events/events/volume/?actions=${many[3]}&actions=${many[5]}`);
    expect(named.status, named.text).toBe(200);
    expect(named.body).toEqual(bruteVolume(spread.filter((event) => [many[3], many[5]].includes(event.action))));
  });
});
