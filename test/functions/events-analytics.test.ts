// volume/, stats/ and top_per_user/ through real HTTP, checked against a brute-force computation
// with authentik's semantics over the same events: sealed ones (rollups, pairs, user sketches)
// and unsealed ones (the tail, read as events).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Event, newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';
import { bruteVolume } from '../helpers/volume.ts';

let service: Service;
const events: Event[] = [];
const apps = [
  { pk: 'a1', app: 'authentik_core', name: 'Grafana', model_name: 'application' },
  { pk: 'b2', app: 'authentik_core', name: 'Wiki', model_name: 'application' },
];
const actions = ['login', 'logout', 'authorize_application', 'login_failed'];

beforeAll(async () => {
  service = await startService();
  const { eventStore } = await import('../../lib/store/events.ts');
  const { sealMinutes } = await import('../../lib/store/seal.ts');
  const start = Date.now() - 9 * 86_400_000;
  // Nine days, one every ~97 minutes: several six-hour steps, both sides of the 7-day window.
  for (let i = 0; i < 130; i++) {
    const action = actions[i % 4] as string;
    const app = action === 'logout' || i % 7 === 0 ? undefined : apps[i % 3 === 0 ? 1 : 0];
    events.push(
      newEvent(
        {
          action,
          app: 'authentik.events',
          user: i % 11 === 0 ? {} : { pk: (i % 5) + 1, username: `user${i % 5}` },
          context: app ? { authorized_application: app } : {},
          brand: { name: i % 2 ? 'odd' : 'even' },
        },
        new Date(start + i * 97 * 60_000),
        365,
      ),
    );
  }
  await eventStore.putMany(events);
  await sealMinutes({ nowMs: Date.now(), delayMs: 90_000 });
  // The unsealed tail: through the API, created now.
  for (const [i, action] of ['login', 'authorize_application', 'login'].entries()) {
    const body = {
      action,
      app: 'authentik.events',
      user: { pk: 40 + i, username: `tail${i}` },
      context: { authorized_application: apps[0] },
      brand: { name: 'even' },
    };
    const answer = await service.call('POST', '/events/events/', { json: body });
    expect(answer.status, answer.text).toBe(201);
    events.push(answer.body as Event);
  }
}, 120_000);
afterAll(() => service.close());

const userOf = (event: Event) => (event.user as { pk?: unknown }).pk;
const since = (ms: number) => events.filter((event) => Date.parse(event.created) >= Date.now() - ms);
const distinctUsers = (list: Event[]) =>
  new Set(
    list
      .map(userOf)
      .filter((pk) => pk !== undefined)
      .map(String),
  ).size;

/** authentik: action exact, authorized_application present, grouped by it, most events first. */
function bruteTop(action: string, list = events) {
  const groups = new Map<string, Event[]>();
  for (const event of list) {
    const app = (event.context as { authorized_application?: { pk: string } }).authorized_application;
    if (event.action !== action || !app) continue;
    groups.set(app.pk, [...(groups.get(app.pk) ?? []), event]);
  }
  return [...groups]
    .map(([pk, group]) => ({
      application: apps.find((app) => app.pk === pk),
      counted_events: group.length,
      unique_users: distinctUsers(group),
    }))
    .sort((a, b) => b.counted_events - a.counted_events);
}

describe('GET /events/events/volume/', () => {
  it('counts per action per six hours over the last 7 days, sealed and unsealed, as authentik', async () => {
    const answer = await service.call('GET', '/events/events/volume/');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('x-count-estimated')).toBeNull();
    expect(answer.body).toEqual(bruteVolume(since(7 * 86_400_000)));
  });

  it('takes history_days (at most 60) and the list filters', async () => {
    const two = await service.call('GET', '/events/events/volume/?history_days=2&actions=login&actions=logout');
    expect(two.status, two.text).toBe(200);
    const wanted = since(2 * 86_400_000).filter((event) => ['login', 'logout'].includes(event.action));
    expect(two.body).toEqual(bruteVolume(wanted));
    const app = await service.call('GET', '/events/events/volume/?action=authorize&context_authorized_app=a1');
    const ofApp = since(7 * 86_400_000).filter(
      (event) =>
        event.action === 'authorize_application' &&
        (event.context as { authorized_application?: { pk: string } }).authorized_application?.pk === 'a1',
    );
    expect(app.body).toEqual(bruteVolume(ofApp));
    // A filter no rollup splits by action: read as events (few here, so exact).
    const brand = await service.call('GET', '/events/events/volume/?brand_name=odd&history_days=100');
    expect(brand.status, brand.text).toBe(200);
    expect(brand.body).toEqual(bruteVolume(since(60 * 86_400_000).filter((event) => event.brand.name === 'odd')));
  });
});

describe('GET /events/events/stats/', () => {
  it('answers unique users and a count per step (the repeated parameter), as authentik', async () => {
    const answer = await service.call('GET', '/events/events/stats/?count_steps=hours=24&count_steps=days=7');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      unique_users: distinctUsers(events),
      count_step: { hours24: since(86_400_000).length, days7: since(7 * 86_400_000).length },
    });
  });

  it('with the authentik app page filters (action and application), from the pair rollups', async () => {
    const answer = await service.call(
      'GET',
      '/events/events/stats/?action=authorize_application&context_authorized_app=a1&count_steps=weeks=1;days=1',
    );
    expect(answer.status, answer.text).toBe(200);
    const ofApp = events.filter(
      (event) =>
        event.action === 'authorize_application' &&
        (event.context as { authorized_application?: { pk: string } }).authorized_application?.pk === 'a1',
    );
    const recent = ofApp.filter((event) => Date.parse(event.created) >= Date.now() - 8 * 86_400_000);
    expect(answer.body).toEqual({ unique_users: distinctUsers(ofApp), count_step: { 'weeks1;days1': recent.length } });
  });

  it('with a filter combination, read as events', async () => {
    const answer = await service.call('GET', '/events/events/stats/?brand_name=odd&username=user1&count_steps=days=30');
    expect(answer.status, answer.text).toBe(200);
    const chosen = events.filter(
      (event) => event.brand.name === 'odd' && (event.user as { username?: string }).username === 'user1',
    );
    expect(answer.body).toEqual({ unique_users: distinctUsers(chosen), count_step: { days30: chosen.length } });
  });
});

describe('GET /events/events/top_per_user/', () => {
  it('groups the action (default login) by authorized application, most events first', async () => {
    const login = await service.call('GET', '/events/events/top_per_user/');
    expect(login.status, login.text).toBe(200);
    expect(login.body).toEqual(bruteTop('login'));
    const authorize = await service.call('GET', '/events/events/top_per_user/?action=authorize_application&top_n=1');
    expect(authorize.body).toEqual(bruteTop('authorize_application').slice(0, 1));
    const none = await service.call('GET', '/events/events/top_per_user/?action=logout');
    expect(none.body).toEqual([]);
    const brand = await service.call('GET', '/events/events/top_per_user/?brand_name=even');
    expect(brand.body).toEqual(
      bruteTop(
        'login',
        events.filter((event) => event.brand.name === 'even'),
      ),
    );
  });
});

describe('bad parameters and access', () => {
  it.each([
    ['/events/events/volume/?history_days=abc', { history_days: ['A valid integer is required.'] }],
    ['/events/events/volume/?history_days=1.5', { history_days: ['A valid integer is required.'] }],
    ['/events/events/stats/', { count_steps: ['This field is required.'] }],
    [
      '/events/events/stats/?count_steps=fortnights',
      { count_steps: ["fortnights is not in the correct format of 'hours=3;minutes=1'."] },
    ],
    [
      `/events/events/stats/?${Array.from({ length: 11 }, (_, i) => `count_steps=hours=${i + 1}`).join('&')}`,
      { count_steps: ['Ensure this field has no more than 10 elements.'] },
    ],
    ['/events/events/top_per_user/?top_n=x', { top_n: ['A valid integer is required.'] }],
    ['/events/events/top_per_user/?top_n=-1', { top_n: ['Ensure this value is greater than or equal to 0.'] }],
    ['/events/events/volume/?created__gte=yesterday', { created__gte: ['Enter a valid date/time.'] }],
  ])('%s answers 400 in authentik shape', async (path, body) => {
    const answer = await service.call('GET', path);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toEqual(body);
  });

  it('takes steps of a fraction of a millisecond, as authentik its microseconds', async () => {
    for (const step of ['microseconds=1', 'milliseconds=0.5', 'seconds=0.0001;microseconds=3']) {
      const answer = await service.call('GET', `/events/events/stats/?count_steps=${step}`);
      expect(answer.status, `${step}: ${answer.text}`).toBe(200);
      expect(answer.body.count_step).toEqual({ [step.replaceAll('=', '')]: 0 });
    }
  });

  it('answers 403 without auditlog_read', async () => {
    const token = await service.admin('no-audit', ['eventhandling_read']);
    for (const path of ['volume/', 'stats/?count_steps=days=1', 'top_per_user/']) {
      const answer = await service.call('GET', `/events/events/${path}`, { token });
      expect(answer.status, answer.text).toBe(403);
      expect(answer.body).toHaveProperty('detail');
    }
  });
});
