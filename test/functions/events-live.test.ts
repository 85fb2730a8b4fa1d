// The live log through real HTTP, as `npm start` runs it (the live seal's timer on, the seal
// not yet run): right after a burst far larger than the read budget, every count and page of the
// authentik list, the Onegini search and the analytics is exact for what was acknowledged a
// second before, and no existing page answers 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
let basic: string;
const tag = randomUUID().slice(0, 8);
const brand = `live-${tag}`;
const heavy = `heavy-${tag}`;
const created: { pk: string; action: string; user: string; person: string }[] = [];

beforeAll(async () => {
  // Read when the functions load: a quarter of the burst (the live mark trails the last write
  // by its delay, 1 s, and a pass: what came since is read).
  process.env.EVENT_READ_BUDGET = '50';
  process.env.LIVE_SEAL_INTERVAL_MS = '250';
  // The local jobs run with dispatch, as under npm start: the live seal among them.
  service = await startService({ dispatch: true });
  basic = `Basic ${Buffer.from(`root:${service.rootToken}`).toString('base64')}`;
  // 200 events from 4 clients, half of them from one actor.
  const bodies = Array.from({ length: 200 }, (_, n) => ({
    action: n % 3 === 0 ? 'login_failed' : 'login',
    app: 'authentik.core',
    user: { username: n % 2 === 0 ? heavy : `user-${n % 7}-${tag}`, pk: n % 2 === 0 ? 1 : 10 + (n % 7) },
    context: { person_id: `p-${n % 3}-${tag}` },
    client_ip: `198.51.100.${n % 4}`,
    brand: { name: brand },
  }));
  await Promise.all(
    [0, 1, 2, 3].map(async (client) => {
      for (let n = client; n < bodies.length; n += 4) {
        const body = bodies[n] as (typeof bodies)[number];
        const answer = await service.call('POST', '/events/events/', { json: body });
        expect(answer.status, answer.text).toBe(201);
        created.push({
          pk: answer.body.pk,
          action: body.action,
          user: body.user.username,
          person: body.context.person_id,
        });
      }
    }),
  );
  // What was acknowledged a second ago is what every answer must hold.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}, 240_000);
afterAll(() => service.close());

const newestFirst = (keep: (e: (typeof created)[number]) => boolean) =>
  created
    .filter(keep)
    .map((e) => e.pk)
    .sort()
    .reverse();

describe('the live log through HTTP, right after a burst', () => {
  it.each([
    ['every event of the brand', `brand_name=${brand}`, () => true],
    ['an action', 'action=login_failed', (e: (typeof created)[number]) => e.action === 'login_failed'],
    ['the heavy actor', `username=${heavy}`, (e: (typeof created)[number]) => e.user === heavy],
  ])('%s: exact count, first, middle and last page', async (_name, filter, keep) => {
    const want = newestFirst(keep);
    const pages = Math.ceil(want.length / 15);
    for (const page of [1, Math.ceil(pages / 2), pages]) {
      const answer = await service.call('GET', `/events/events/?${filter}&page_size=15&page=${page}`);
      expect(answer.status, answer.text).toBe(200);
      expect(
        answer.headers.get('x-count-estimated'),
        `${filter} ${page}: ${JSON.stringify(answer.body.pagination)}`,
      ).toBeNull();
      expect(answer.body.pagination).toMatchObject({ count: want.length, total_pages: pages, current: page });
      expect(answer.body.results.map((e: { pk: string }) => e.pk)).toEqual(want.slice((page - 1) * 15, page * 15));
    }
  });

  it('Onegini by actor, by person and both, at any offset', async () => {
    const person = `p-1-${tag}`;
    for (const [query, keep] of [
      [`actor=${heavy}`, (e: (typeof created)[number]) => e.user === heavy],
      [`userId=${person}`, (e: (typeof created)[number]) => e.person === person],
      [`actor=${heavy}&userId=${person}`, (e: (typeof created)[number]) => e.user === heavy && e.person === person],
    ] as const) {
      const want = newestFirst(keep);
      for (const offset of [0, Math.floor(want.length / 2), want.length - 3]) {
        const answer = await service.call('GET', `/api/events?${query}&limit=10&offset=${offset}`, {
          authorization: basic,
        });
        expect(answer.status, answer.text).toBe(200);
        expect(answer.body.pagination.totalResults, `${query} ${offset}`).toBe(want.length);
        expect(answer.body.resultSet.map((e: { event_identifier: string }) => e.event_identifier)).toEqual(
          want.slice(offset, offset + 10),
        );
      }
    }
  });

  it('the analytics count every event: volume/ per action, stats/ per step', async () => {
    const byAction = await service.call('GET', '/events/events/volume/?actions=login&actions=login_failed');
    expect(byAction.status, byAction.text).toBe(200);
    const counted = (action: string) =>
      (byAction.body as { action: string; count: number }[])
        .filter((row) => row.action === action)
        .reduce((sum, row) => sum + row.count, 0);
    expect(counted('login')).toBe(created.filter((e) => e.action === 'login').length);
    expect(counted('login_failed')).toBe(created.filter((e) => e.action === 'login_failed').length);
    const stats = await service.call('GET', '/events/events/stats/?count_steps=hours=1');
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body.count_step).toEqual({ hours1: created.length });
  });
});
