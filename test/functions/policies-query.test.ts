// The event matcher policy `query` (authentik 2026.8) through real HTTP: stored, returned,
// filterable, refused when blank or not a query, AND-ed with the other criteria and evaluated
// in memory by the test endpoint, on an inline event and on a stored one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const base = '/policies/event_matcher/';
const name = () => `query-${randomUUID().slice(0, 8)}`;
const create = (json: Record<string, unknown>) => service.call('POST', base, { json });
const test = (uuid: string, json: unknown) => service.call('POST', `${base}${uuid}/test/`, { json });

describe('query on event matcher policies', () => {
  it('is stored and returned by create, get, list, put and patch', async () => {
    const query = 'user.username = "alice" and client_ip in cidr("10.0.0.0/8")';
    const created = await create({ name: name(), query: `  ${query} ` });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ action: null, client_ip: null, app: null, model: null, query });
    expect((await service.call('GET', `${base}${created.body.pk}/`)).body).toEqual(created.body);

    const listed = await service.call('GET', `${base}?query=${encodeURIComponent(query)}`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.results).toEqual([created.body]);
    expect(
      (await service.call('GET', `${base}?query=${encodeURIComponent('user.username = "alice"')}`)).body.results,
    ).toEqual([]);

    const patched = await service.call('PATCH', `${base}${created.body.pk}/`, {
      json: { query: 'action = "login"', app: 'authentik.core' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ query: 'action = "login"', app: 'authentik.core' });
    const cleared = await service.call('PATCH', `${base}${created.body.pk}/`, { json: { query: null } });
    expect(cleared.body).toMatchObject({ query: null, app: 'authentik.core' });

    const replaced = await service.call('PUT', `${base}${created.body.pk}/`, {
      json: { name: created.body.name, query: 'app = "x"' },
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ query: 'app = "x"', app: null });
  });

  it('counts as the one criterion a policy needs; null does not', async () => {
    expect((await create({ name: name(), query: 'app = "x"' })).status).toBe(201);
    const none = await create({ name: name(), query: null });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ non_field_errors: ['At least one criteria must be set.'] });
    const created = await create({ name: name(), query: 'app = "x"' });
    const emptied = await service.call('PATCH', `${base}${created.body.pk}/`, { json: { query: null } });
    expect(emptied.status).toBe(400);
    expect(emptied.body).toEqual({ non_field_errors: ['At least one criteria must be set.'] });
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    ['blank', '', { query: ['This field may not be blank.'] }],
    ['only spaces', '   ', { query: ['This field may not be blank.'] }],
    ['not a string', 5, { query: ['Not a valid string.'] }],
    [
      'a syntax error',
      'action = "login" and',
      { query: ["Syntax error at position 21: Unexpected end of input, expected a field name or '('"] },
    ],
    ['plain words', 'failed logins', { query: [expect.stringMatching(/^Syntax error at position 8: /)] }],
    [
      'an unknown field',
      'colour = "red"',
      {
        query: [
          'Invalid query at position 1: Unknown field: colour. Possible choices are: action, app, brand, client_ip, context, created, event_uuid, user',
        ],
      },
    ],
    [
      'a bad network',
      'client_ip in cidr("10.0.0.0/33")',
      { query: ["Invalid query at position 19: '10.0.0.0/33' is not an IPv4 or IPv6 network"] },
    ],
    [
      'too long',
      `app = "${'x'.repeat(5000)}"`,
      { query: [expect.stringMatching(/^Query refused at position 4097: /)] },
    ],
  ])('refuses %s at write time with 400 {"query": [...]}, writing nothing', async (_name, query, body) => {
    const policyName = name();
    const answer = await create({ name: policyName, action: 'login', query });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toEqual(body);
    expect((await service.call('GET', `${base}?name=${policyName}`)).body.results).toEqual([]);
    const existing = await create({ name: name(), action: 'login' });
    const patched = await service.call('PATCH', `${base}${existing.body.pk}/`, { json: { query } });
    expect(patched.status).toBe(400);
    expect(patched.body).toEqual(body);
    expect((await service.call('GET', `${base}${existing.body.pk}/`)).body.query).toBeNull();
  });

  it('is tested in memory on an inline event, AND-ed with the other criteria, as "Query matched."', async () => {
    const policy = await create({
      name: name(),
      action: 'login_failed',
      query: 'context.geo.country in ("NL", "BE") and client_ip in cidr("10.0.0.0/8", "2001:db8::/32")',
    });
    expect(policy.status, policy.text).toBe(201);
    const cases: [Record<string, unknown>, boolean, string[]][] = [
      [
        { action: 'login_failed', client_ip: '2001:db8::7', context: { geo: { country: 'NL' } } },
        true,
        ['Action matched.', 'Query matched.'],
      ],
      [{ action: 'login', client_ip: '10.1.1.1', context: { geo: { country: 'BE' } } }, false, ['Query matched.']],
      [
        { action: 'login_failed', client_ip: '192.0.2.1', context: { geo: { country: 'NL' } } },
        false,
        ['Action matched.'],
      ],
      [{ action: 'login_failed', client_ip: '10.1.1.1' }, false, ['Action matched.']],
    ];
    for (const [event, passing, messages] of cases) {
      const answer = await test(policy.body.pk, { event: { app: 'authentik.core', ...event } });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body, JSON.stringify(event)).toEqual({ passing, messages, log_messages: [] });
    }
  });

  it('is tested on a stored event by its id', async () => {
    const stored = await service.call('POST', '/events/events/', {
      json: { action: 'login', app: 'authentik.core', user: { username: 'carol', pk: 12 } },
    });
    expect(stored.status, stored.text).toBe(201);
    const policy = await create({ name: name(), query: 'user.pk >= 10 and user.username startswith "CA"' });
    expect((await test(policy.body.pk, { event_uuid: stored.body.pk })).body).toEqual({
      passing: true,
      messages: ['Query matched.'],
      log_messages: [],
    });
  });

  it('reads a policy stored before query existed as query null', async () => {
    const { matcherPolicyStore } = await import('../../lib/store/matcher-policies.ts');
    const { modelEvent } = await import('../../lib/events/audit.ts');
    const pk = randomUUID();
    const old = {
      pk,
      name: name(),
      execution_logging: false,
      action: 'login',
      client_ip: null,
      app: null,
      model: null,
    };
    await matcherPolicyStore.create(
      old as never,
      modelEvent('model_created', 'test', { model_name: 'eventmatcherpolicy', pk, name: old.name }),
    );
    const read = await service.call('GET', `${base}${pk}/`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ action: 'login', query: null });
    expect((await test(pk, { event: { action: 'login', app: 'x' } })).body).toEqual({
      passing: true,
      messages: ['Action matched.'],
      log_messages: [],
    });
    const patched = await service.call('PATCH', `${base}${pk}/`, { json: { action: null } });
    expect(patched.status).toBe(400);
    expect(patched.body).toEqual({ non_field_errors: ['At least one criteria must be set.'] });
  });
});
