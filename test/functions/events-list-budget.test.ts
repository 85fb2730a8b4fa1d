// The read budget through real HTTP: past it a count is estimated and flagged, a page out of
// reach is refused in the dialect, and nothing answers 5xx.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  // Read before the list functions load: a budget small enough to reach with a few events.
  process.env.EVENT_READ_BUDGET = '6';
  service = await startService();
});
afterAll(() => service.close());

const brand = `budget-${randomUUID().slice(0, 8)}`;

describe('read budget', () => {
  it('answers an exact count from the rollups once sealed, whatever the budget', async () => {
    // A quarter of an hour ago, one a minute (a skip inside a minute is charged to the budget),
    // through the store's own items; then the seal, as its schedule would.
    const { eventStore } = await import('../../lib/store/events.ts');
    const { sealMinutes } = await import('../../lib/store/seal.ts');
    const start = Date.now() - 900_000;
    const events = Array.from({ length: 12 }, (_, i) =>
      newEvent(
        { action: i % 2 ? 'login' : 'logout', app: 'authentik.core', brand: { name: brand }, client_ip: `10.9.${i}.1` },
        new Date(start + i * 61_000),
        365,
      ),
    );
    await eventStore.putMany(events);
    await sealMinutes({ nowMs: Date.now(), delayMs: 90_000 });
    const answer = await service.call('GET', `/events/events/?brand_name=${brand}&page_size=5&page=3`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.pagination).toMatchObject({ count: 12, total_pages: 3, current: 3 });
    expect(answer.body.results).toHaveLength(2);
    expect(answer.headers.get('x-count-estimated')).toBeNull();
  });

  it('flags an estimated count when a network filter needs more reads than the budget', async () => {
    const answer = await service.call('GET', `/events/events/?brand_name=${brand}&client_ip=10.9.0.0/16&page_size=2`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('x-count-estimated')).toBe('true');
    expect(answer.body.results).toHaveLength(2);
    expect(answer.body.results.every((event: any) => event.client_ip.startsWith('10.9.'))).toBe(true);
  });

  it('refuses a page out of reach with 400 in the dialect, and answers two filters by the smaller one', async () => {
    const deep = await service.call(
      'GET',
      `/events/events/?brand_name=${brand}&client_ip=10.9.0.0/16&page_size=2&page=6`,
    );
    expect(deep.status, deep.text).toBe(400);
    expect(deep.body).toEqual({ page: [expect.stringContaining('narrow created__gte/created__lt')] });
    const combined = await service.call('GET', `/events/events/?brand_name=${brand}&action=login&page_size=2`);
    expect(combined.status, combined.text).toBe(200);
    expect(combined.body.results.every((event: any) => event.action === 'login')).toBe(true);
  });
});
