// Issue 25 item 2 through real HTTP: made-up actions and applications do not make analytics
// expand without bound. At most 64 actions (16 applications) are expanded from the months of the
// range; past that the events are read within the budget (exact) or the request is refused with
// DRF's 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';
import { bruteVolume } from '../helpers/volume.ts';

let service: Service;
const events: Event[] = [];
const dayMs = 86_400_000;

const at = (ms: number, action: string, context: Record<string, unknown> = {}, user = 'ana') =>
  newEvent({ action, app: 'authentik.events', user: { pk: user, username: user }, context }, new Date(ms), 365);

beforeAll(async () => {
  // Read before the list functions load: 175 events in 60 days are more than one request reads.
  process.env.EVENT_READ_BUDGET = '100';
  service = await startService();
  const { eventStore } = await import('../../lib/store/events.ts');
  const { sealMinutes } = await import('../../lib/store/seal.ts');
  const now = Date.now();
  // Forty days ago is always another calendar month than any of the last seven days.
  for (let i = 0; i < 70; i++) events.push(at(now - 40 * dayMs + i * 1_000, `custom_made_up_${i}`));
  for (let i = 0; i < 40; i++) events.push(at(now - 3 * dayMs + i * 600_000, 'login', {}, `user${i % 4}`));
  // One action authorized for 65 applications.
  for (let i = 0; i < 65; i++) {
    const app = { pk: `many${i}`, app: 'authentik_core', name: `App ${i}`, model_name: 'application' };
    events.push(at(now - 2 * dayMs + i * 1_000, 'login', { authorized_application: app }, `user${i % 3}`));
  }
  await eventStore.putMany(events);
  await sealMinutes({ nowMs: Date.now(), delayMs: 90_000 });
}, 120_000);
afterAll(() => service.close());

const since = (days: number) => events.filter((event) => Date.parse(event.created) >= Date.now() - days * dayMs);

describe('made-up actions weigh on the months they were made in only', () => {
  it('volume/ over a week expands only the actions of its months, from the rollups', async () => {
    const answer = await service.call('GET', '/events/events/volume/');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual(bruteVolume(since(7)));
  });

  it('volume/ over 60 days holds 70 actions: read as events past the bound, refused past the budget', async () => {
    const answer = await service.call('GET', '/events/events/volume/?history_days=60');
    expect(answer.status, answer.text).toBe(400);
    expect(Object.keys(answer.body)).toEqual(['history_days']);
    // Naming the actions bounds the expansion by the filter.
    const one = await service.call('GET', '/events/events/volume/?history_days=60&actions=custom_made_up_7');
    expect(one.status, one.text).toBe(200);
    expect(one.body).toEqual(bruteVolume(since(60).filter((event) => event.action === 'custom_made_up_7')));
  });

  it('made now through the API (the unsealed tail): exact while the events fit the budget', async () => {
    for (let i = 0; i < 70; i++) {
      const body = { action: `custom_fresh_${i}`, app: 'authentik.events', user: { pk: 'eve', username: 'eve' } };
      const answer = await service.call('POST', '/events/events/', { json: body });
      expect(answer.status, answer.text).toBe(201);
      events.push(answer.body as Event);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // acknowledged 1 s before the read
    const day = await service.call('GET', '/events/events/volume/?history_days=1');
    expect(day.status, day.text).toBe(200);
    expect(day.body).toEqual(bruteVolume(since(1)));
    expect((day.body as unknown[]).length).toBe(70);
    const week = await service.call('GET', '/events/events/volume/');
    expect(week.status, week.text).toBe(400);
    expect(Object.keys(week.body)).toEqual(['history_days']);
  });
});

describe('stats/ counts every value at every step', () => {
  it('refuses more than 128 partition reads in all ((steps + users) × values × shards) with 400 naming count_steps, at once', async () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, i) => `count_steps=${encodeURIComponent(`hours=${i + 1}`)}`).join('&');
    const values = (n: number) => Array.from({ length: n }, (_, i) => `custom_made_up_${i}`).join(',');
    // An action is read on its 16 shards, once per step and once for the users: 2 actions × (4 + 1) are 160 reads, 2 × (3 + 1) 128.
    const over = await service.call('GET', `/events/events/stats/?actions=${values(2)}&${steps(4)}`);
    expect(over.status, over.text).toBe(400);
    expect(Object.keys(over.body)).toEqual(['count_steps']);
    const within = await service.call('GET', `/events/events/stats/?actions=${values(2)}&${steps(3)}`);
    expect(within.status, within.text).toBe(200);
    // Without a filter the timeline's 16 shards: 7 steps.
    expect((await service.call('GET', `/events/events/stats/?${steps(8)}`)).status).toBe(400);
    const seven = await service.call('GET', `/events/events/stats/?${steps(7)}`);
    expect(seven.status, seven.text).toBe(200);
    expect(Object.keys(seven.body.count_step)).toHaveLength(7);
  });
});

describe('an action authorized for more applications than one request expands', () => {
  it('top_per_user/ reads them as events within the budget, else refuses naming action', async () => {
    const all = await service.call('GET', '/events/events/top_per_user/?action=login');
    expect(all.status, all.text).toBe(400);
    expect(Object.keys(all.body)).toEqual(['action']);
    const one = await service.call('GET', '/events/events/top_per_user/?action=login&context_authorized_app=many3');
    expect(one.status, one.text).toBe(200);
    expect(one.body).toEqual([
      {
        application: { pk: 'many3', app: 'authentik_core', name: 'App 3', model_name: 'application' },
        counted_events: 1,
        unique_users: 1,
      },
    ]);
  });
});
