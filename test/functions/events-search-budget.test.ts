// `search` and the read budget through real HTTP: a query's index terms are read through their
// index (exact, whatever the budget); a term no index answers is checked on every event read,
// so past the budget the count is flagged as estimated and a page out of reach answers 400.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../lib/events/event.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const tag = randomUUID().slice(0, 8);
const carol = `carol-${tag}`;

beforeAll(async () => {
  // Read before the list functions load: a budget small enough to reach with a few events.
  process.env.EVENT_READ_BUDGET = '6';
  service = await startService();
  const { eventStore } = await import('../../lib/store/events.ts');
  const start = Date.now() - 600_000;
  await eventStore.putMany(
    Array.from({ length: 14 }, (_, i) =>
      newEvent(
        {
          action: i % 2 ? 'login' : 'logout',
          app: 'authentik.core',
          user: { username: i < 2 ? carol : `user-${i}-${tag}` },
          client_ip: `10.8.${i}.1`,
          context: { tag, i },
        },
        new Date(start + i * 1_000),
        365,
      ),
    ),
  );
});
afterAll(() => service.close());

const search = (text: string, extra = '') =>
  service.call('GET', `/events/events/?search=${encodeURIComponent(text)}${extra}`);

describe('search within the read budget', () => {
  it('reads index terms through their index: an exact count, unflagged', async () => {
    for (const text of [
      `user.username = "${carol}"`,
      `user.username = "${carol}" and context.i >= 0`,
      `action = "login" and client_ip = "10.8.3.1"`,
      `client_ip = "10.8.5.1" and context.tag = "${tag}"`,
    ]) {
      const answer = await search(text);
      expect(answer.status, `${text}: ${answer.text}`).toBe(200);
      expect(answer.headers.get('x-count-estimated'), text).toBeNull();
      expect(answer.body.pagination.count, text).toBe(text.includes(carol) ? 2 : 1);
    }
  });

  it('checks a term no index answers on every event read, and flags the count past the budget', async () => {
    for (const text of [`context.tag = "${tag}"`, `client_ip in cidr("10.8.0.0/16")`, `${tag}`]) {
      const answer = await search(text, '&page_size=2');
      expect(answer.status, `${text}: ${answer.text}`).toBe(200);
      expect(answer.headers.get('x-count-estimated'), text).toBe('true');
      expect(answer.body.results, text).toHaveLength(2);
      expect(answer.body.results.every((event: any) => event.context.tag === tag)).toBe(true);
    }
  });

  it('refuses a checked page out of reach with 400 in the dialect', async () => {
    const deep = await search(`context.tag = "${tag}"`, '&page_size=2&page=7');
    expect(deep.status, deep.text).toBe(400);
    expect(deep.body).toEqual({ page: [expect.stringContaining('narrow created__gte/created__lt')] });
  });
});
