// POST /rules/{uuid}/test/ through real HTTP (issue 22 item 6): events ingested through
// POST /events/events/ replayed through a rule, the answer the same as the evaluation core's
// over the events the list reads; the range's bounds and the read budget (400 past it).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRule } from '../../lib/rules/evaluate.ts';
import { eventWriter, type StoredEvent } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

const budget = 12;
let service: Service;
let writer: ReturnType<typeof eventWriter>;
beforeAll(async () => {
  // Read before the functions load: a budget small enough to pass with a few events.
  process.env.EVENT_READ_BUDGET = String(budget);
  service = await startService();
  writer = eventWriter(service);
});
afterAll(() => service?.close());

async function createRule(body: Record<string, unknown>) {
  const answer = await service.call('POST', '/rules/', {
    json: { name: `rule ${randomUUID()}`, window: 600, ...body },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string } & Record<string, any>;
}

const replay = (pk: string, json?: unknown, token?: string) =>
  service.call('POST', `/rules/${pk}/test/`, { json, token });

/** A fresh app name: each test's events are its own. */
const appOf = () => `replay-${randomUUID().slice(0, 8)}`;
/** A fresh custom action: a query on it reads the action's index, only this test's events. */
const actionOf = () => `custom_replay_${randomUUID().slice(0, 8)}`;

describe('replaying stored events', () => {
  it('answers the groups that would have fired, with counts and times, as the evaluation core', async () => {
    const app = appOf();
    const rule = await createRule({
      query: `action = "login_failed" and app = "${app}"`,
      type: 'event_count',
      group_by: ['user.username'],
      threshold: 3,
    });
    const failed = (username: string) => ({ action: 'login_failed', app, user: { username } });
    const events = await writer.createInOrder([
      failed('ana'),
      failed('bob'),
      failed('ana'),
      { action: 'login', app, user: { username: 'ana' } },
      failed('ana'),
      failed('bob'),
      failed('ana'),
      failed('ana'),
      failed('ana'),
    ]);
    const ana = events.filter((event) => event.user.username === 'ana' && event.action === 'login_failed');
    const answer = await replay(rule.pk);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.matched).toBe(8);
    expect(answer.body.fires).toEqual([
      {
        group: { 'user.username': 'ana' },
        count: 3,
        window_start: new Date(Date.parse(ana[2]?.created as string) - 600_000).toISOString(),
        window_end: ana[2]?.created,
        first_event: ana[0]?.pk,
        last_event: ana[2]?.pk,
        sample_events: ana.slice(0, 3).map((event) => event.pk),
      },
      expect.objectContaining({ count: 3, first_event: ana[3]?.pk, last_event: ana[5]?.pk }),
    ]);
    expect(answer.body.groups).toEqual([
      { group: { 'user.username': 'ana' }, counts: [3, 3], fired_at: [ana[2]?.created, ana[5]?.created] },
    ]);
    // The default range: the last window × 10, up to now.
    const range = Date.parse(answer.body.created__lt) - Date.parse(answer.body.created__gte);
    expect(range).toBe(6_000_000);
    expect(Math.abs(Date.parse(answer.body.created__lt) - Date.now())).toBeLessThan(10_000);

    // The same code as the core over the events the list reads for the query.
    const listed = await service.call(
      'GET',
      `/events/events/?search=${encodeURIComponent(rule.query)}&ordering=created&page_size=100`,
    );
    expect(answer.body.fires).toEqual(evaluateRule(rule as any, listed.body.results));
  });

  it('counts distinct values per group, and never the events rules caused, whatever the query', async () => {
    const ip = '203.0.113.77';
    const rule = await createRule({
      query: `client_ip = "${ip}"`,
      type: 'value_count',
      field: 'user.username',
      group_by: ['client_ip'],
      threshold: 3,
      suppress_for: 3600,
    });
    const attempt = (username: string) => ({ action: 'login_failed', client_ip: ip, user: { username } });
    const caused = {
      action: 'custom_threshold_exceeded',
      app: 'idp-event-hub.rules',
      client_ip: ip,
      user: { username: 'carol' },
    };
    await writer.createInOrder([attempt('ana'), attempt('ana'), attempt('bob'), caused, caused]);
    const before = await replay(rule.pk);
    expect(before.body).toMatchObject({ matched: 3, fires: [] });
    const [carol] = await writer.createInOrder([attempt('carol'), attempt('dave')]);
    const after = await replay(rule.pk);
    expect(after.body.matched).toBe(5);
    expect(after.body.fires).toHaveLength(1);
    expect(after.body.fires[0]).toMatchObject({ group: { client_ip: ip }, count: 3, last_event: carol?.pk });
    expect(after.body.fires[0].sample_events).toHaveLength(3);
  });

  it('replays a disabled rule, and the range given: events outside it do not count', async () => {
    const action = actionOf();
    const rule = await createRule({ query: `action = "${action}"`, type: 'event_count', threshold: 2, enabled: false });
    const events: StoredEvent[] = await writer.createInOrder([{ action }, { action }, { action }]);
    expect((await replay(rule.pk)).body.fires).toHaveLength(1);
    const lastOnly = await replay(rule.pk, { created__gte: events[1]?.created });
    expect(lastOnly.status, lastOnly.text).toBe(200);
    expect(lastOnly.body).toMatchObject({ matched: 2, created__gte: events[1]?.created });
    expect(lastOnly.body.fires).toHaveLength(1);
    const firstOnly = await replay(rule.pk, { created__lt: events[1]?.created });
    expect(firstOnly.body).toMatchObject({ matched: 1, fires: [], created__lt: events[1]?.created });
    const empty = await replay(rule.pk, {
      created__gte: '2020-01-01T00:00:00Z',
      created__lt: '2020-01-07T23:59:59Z',
    });
    expect(empty.body).toEqual({
      created__gte: '2020-01-01T00:00:00.000Z',
      created__lt: '2020-01-07T23:59:59.000Z',
      matched: 0,
      fires: [],
      groups: [],
    });
  });
});

describe('bounds', () => {
  it('refuses a range over 7 days, an empty one, a malformed time and an unknown key, writing nothing', async () => {
    const rule = await createRule({ query: 'action = "login_failed"', type: 'event_count', threshold: 5 });
    const cases: [unknown, string][] = [
      [{ created__gte: '2026-01-01T00:00:00Z', created__lt: '2026-01-08T00:00:01Z' }, 'created__gte'],
      [{ created__gte: '2026-01-02T00:00:00Z', created__lt: '2026-01-02T00:00:00Z' }, 'created__lt'],
      [{ created__gte: 'yesterday' }, 'created__gte'],
      [{ created__lt: 5 }, 'created__lt'],
      [{ since: '2026-01-01T00:00:00Z' }, 'since'],
      [[], 'non_field_errors'],
    ];
    for (const [json, field] of cases) {
      const before = await service.digest();
      const answer = await replay(rule.pk, json);
      expect(answer.status, `${JSON.stringify(json)} → ${answer.text}`).toBe(400);
      expect(Object.keys(answer.body)).toEqual([field]);
      expect(await service.digest()).toBe(before);
    }
    const week = await replay(rule.pk, { created__gte: '2026-01-01T00:00:00Z', created__lt: '2026-01-08T00:00:00Z' });
    expect(week.status, week.text).toBe(200);
    expect((await replay('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d')).status).toBe(404);
    expect((await replay('not-a-uuid')).status).toBe(404);
  });

  it('asks for a narrower range past the read budget, and answers the narrower one', async () => {
    const action = actionOf();
    const rule = await createRule({ query: `action = "${action}"`, type: 'event_count', threshold: 4 });
    const events = await writer.createInOrder(Array.from({ length: budget + 3 }, () => ({ action })));
    const before = await service.digest();
    const wide = await replay(rule.pk);
    expect(wide.status, wide.text).toBe(400);
    expect(wide.body).toEqual({ created__gte: [expect.stringContaining('narrow created__gte/created__lt')] });
    expect(await service.digest()).toBe(before);
    const narrow = await replay(rule.pk, { created__gte: events[5]?.created });
    expect(narrow.status, narrow.text).toBe(200);
    expect(narrow.body.matched).toBe(budget - 2);
    expect(narrow.body.fires.map((fire: { count: number }) => fire.count)).toEqual([4, 4]);
  });

  it('needs auditlog_read: it answers the log’s events and values', async () => {
    const rule = await createRule({ query: `action = "${actionOf()}"`, type: 'event_count', threshold: 5 });
    const rules = await service.admin('replay-rules-admin', ['eventhandling_read', 'eventhandling_write']);
    const auditor = await service.admin('replay-auditor', ['auditlog_read']);
    expect((await replay(rule.pk, {}, rules)).status).toBe(403);
    expect((await replay(rule.pk, {}, auditor)).status).toBe(200);
  });
});
