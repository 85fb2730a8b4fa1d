// Distinct users past the exact threshold, through real HTTP: stats/ and top_per_user/ answer
// from the seal's HyperLogLog sketches (64 users exact, then 1 024 registers, ±3.3 %), and say
// that the figure is an estimate in `X-Count-Estimated`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const app = { pk: 'c3', app: 'authentik_core', name: 'Mail', model_name: 'application' };
const users = 200;
// Three standard errors of a 1 024-register sketch.
const tolerance = 3 * (1.04 / Math.sqrt(1024));

beforeAll(async () => {
  service = await startService();
  const { eventStore } = await import('../../lib/store/events.ts');
  const { sealMinutes } = await import('../../lib/store/seal.ts');
  const start = Date.now() - 3 * 86_400_000;
  // Every user logs in twice: 400 events, 200 distinct users, 50 a minute (few minutes to seal).
  const events = Array.from({ length: 2 * users }, (_, i) =>
    newEvent(
      {
        action: 'login',
        app: 'authentik.events',
        user: { pk: 1000 + (i % users), username: `person${i % users}` },
        context: { authorized_application: app },
      },
      new Date(start + Math.floor(i / 50) * 60_000 + (i % 50) * 1_000),
      365,
    ),
  );
  await eventStore.putMany(events);
  await sealMinutes({ nowMs: Date.now(), delayMs: 90_000 });
}, 240_000);
afterAll(() => service.close());

const near = (value: number) => Math.abs(value - users) <= users * tolerance;

describe('distinct users above the exact threshold', () => {
  it('stats/ estimates them from the sketches, counts events exactly, and flags the estimate', async () => {
    const answer = await service.call('GET', '/events/events/stats/?count_steps=days%3D30');
    expect(answer.status, answer.text).toBe(200);
    const body = answer.body as { unique_users: number; count_step: Record<string, number> };
    expect(body.count_step).toEqual({ days30: 2 * users });
    expect(near(body.unique_users), `${body.unique_users} users`).toBe(true);
    expect(answer.headers.get('x-count-estimated')).toBe('true');
  });

  it('top_per_user/ estimates them per application the same way', async () => {
    const answer = await service.call('GET', '/events/events/top_per_user/');
    expect(answer.status, answer.text).toBe(200);
    const [row, ...rest] = answer.body as { application: unknown; counted_events: number; unique_users: number }[];
    expect(rest).toEqual([]);
    expect(row?.application).toEqual(app);
    expect(row?.counted_events).toBe(2 * users);
    expect(near(row?.unique_users ?? 0), `${row?.unique_users} users`).toBe(true);
    expect(answer.headers.get('x-count-estimated')).toBe('true');
  });
});
