import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const base = '/policies/event_matcher/';
const policies = [
  { name: 'b failed logins', action: 'login_failed' },
  { name: 'A office network', client_ip: '192.0.2.0/24' },
  { name: 'c core users', app: 'authentik.core', model: 'authentik_core.user' },
  { name: 'a flows', app: 'authentik.flows', action: 'login_failed' },
  { name: 'd v6', client_ip: '2001:db8::/32', execution_logging: true },
];

beforeAll(async () => {
  service = await startService();
  for (const policy of policies) {
    expect((await service.call('POST', base, { json: policy })).status).toBe(201);
  }
});
afterAll(() => service.close());

const names = async (query = '') => {
  const answer = await service.call('GET', `${base}${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.results.map((policy: { name: string }) => policy.name);
};

describe('GET /policies/event_matcher/', () => {
  it('answers the pagination envelope, ordered by name', async () => {
    const answer = await service.call('GET', base);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['pagination', 'results', 'autocomplete']);
    expect(answer.body.pagination).toEqual({
      next: 0,
      previous: 0,
      count: 5,
      current: 1,
      total_pages: 1,
      start_index: 1,
      end_index: 5,
    });
    expect(answer.body.results.map((p: { name: string }) => p.name)).toEqual([
      'A office network',
      'a flows',
      'b failed logins',
      'c core users',
      'd v6',
    ]);
    expect(answer.body.results[4]).toMatchObject({
      execution_logging: true,
      bound_to: 0,
      component: 'ak-policy-event-matcher-form',
      action: null,
    });
  });

  it('pages with page and page_size', async () => {
    const second = await service.call('GET', `${base}?page=2&page_size=2`);
    expect(second.body.pagination).toEqual({
      next: 3,
      previous: 1,
      count: 5,
      current: 2,
      total_pages: 3,
      start_index: 3,
      end_index: 4,
    });
    expect(second.body.results.map((p: { name: string }) => p.name)).toEqual(['b failed logins', 'c core users']);
    expect(await names('?page=3&page_size=2')).toEqual(['d v6']);
  });

  it('a page past the last is 404 {"detail": "Invalid page."}', async () => {
    for (const query of ['?page=4&page_size=2', '?page=0', '?page=x']) {
      const answer = await service.call('GET', `${base}${query}`);
      expect(answer.status, query).toBe(404);
      expect(answer.body).toEqual({ detail: 'Invalid page.' });
    }
  });

  it.each([
    ['?name=a%20flows', ['a flows']],
    ['?name=a', []],
    ['?action=login_failed', ['a flows', 'b failed logins']],
    ['?action=login_failed&app=authentik.flows', ['a flows']],
    ['?client_ip=192.0.2.0/24', ['A office network']],
    ['?client_ip=192.0.2.7', []],
    ['?app=authentik.core', ['c core users']],
    ['?model=authentik_core.user', ['c core users']],
    ['?search=A', ['A office network', 'a flows', 'b failed logins']],
    ['?search=FLOW', ['a flows']],
    ['?search=zzz', []],
    ['?search=flows%20a', ['a flows']],
    ['?search=core,users', ['c core users']],
    ['?execution_logging=true', ['d v6']],
    ['?execution_logging=false', ['A office network', 'a flows', 'b failed logins', 'c core users']],
    ['?execution_logging=maybe', ['A office network', 'a flows', 'b failed logins', 'c core users', 'd v6']],
    ['?ordering=-name', ['d v6', 'c core users', 'b failed logins', 'a flows', 'A office network']],
    ['?ordering=action', ['a flows', 'b failed logins', 'A office network', 'c core users', 'd v6']],
    ['?ordering=-action,-name', ['d v6', 'c core users', 'A office network', 'b failed logins', 'a flows']],
    ['?ordering=colour', ['A office network', 'a flows', 'b failed logins', 'c core users', 'd v6']],
    ['?unknown=1', ['A office network', 'a flows', 'b failed logins', 'c core users', 'd v6']],
  ])('filters %s', async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it('an empty result has the empty envelope', async () => {
    const answer = await service.call('GET', `${base}?name=none`);
    expect(answer.body).toEqual({
      pagination: { next: 0, previous: 0, count: 0, current: 1, total_pages: 1, start_index: 0, end_index: 0 },
      results: [],
      autocomplete: {},
    });
  });

  it('invalid filter values are 400 naming the field', async () => {
    const action = await service.call('GET', `${base}?action=logon`);
    expect(action.status).toBe(400);
    expect(action.body).toEqual({ action: ['Select a valid choice. logon is not one of the available choices.'] });
    const size = await service.call('GET', `${base}?page_size=0`);
    expect(size.status).toBe(400);
    expect(Object.keys(size.body)).toEqual(['page_size']);
  });

  it('lists through the index, never a Scan', async () => {
    service.commands.length = 0;
    await names();
    expect(service.commands).toContain('QueryCommand');
    expect(service.commands).not.toContain('ScanCommand');
  });
});
