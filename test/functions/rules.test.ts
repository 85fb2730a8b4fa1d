// Detection rules through real HTTP (issue 22 item 1): the admin API in authentik's conventions
// (DRF pagination and errors, trailing slashes), each change a model_* event in the same write,
// every bad field a 400 naming it with nothing stored, and the policy actions each route needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.close());

const valid = {
  name: 'failed logins per user',
  query: 'action = "login_failed"',
  type: 'event_count',
  group_by: ['user.username'],
  window: 600,
  threshold: 10,
};

let named = 0;
const unique = (body: Record<string, unknown>) => ({ ...body, name: `${body.name ?? 'rule'} ${++named}` });

async function create(body: Record<string, unknown>) {
  const answer = await service.call('POST', '/rules/', { json: body });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as Record<string, any> & { pk: string };
}

async function audit(pk: string) {
  const answer = await service.call(
    'GET',
    `/events/events/?context_model_name=rule&context_model_pk=${pk}&ordering=created`,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.results as {
    action: string;
    user: { username: string };
    context: { model: Record<string, unknown> };
  }[];
}

describe('the rules API', () => {
  it('creates with the defaults, reads, lists, replaces, patches and deletes, each audited', async () => {
    const created = await create(valid);
    expect(created).toEqual({
      pk: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'failed logins per user',
      enabled: true,
      query: 'action = "login_failed"',
      type: 'event_count',
      field: null,
      group_by: ['user.username'],
      window: 600,
      threshold: 10,
      suppress_for: 0,
      severity: 'warning',
    });
    expect((await service.call('GET', `/rules/${created.pk}/`)).body).toEqual(created);
    // Django's UUID spellings: upper case, no dashes.
    expect((await service.call('GET', `/rules/${created.pk.replaceAll('-', '').toUpperCase()}/`)).body).toEqual(
      created,
    );

    const list = await service.call('GET', '/rules/?search=failed');
    expect(list.status).toBe(200);
    expect(list.body.pagination).toMatchObject({ count: 1, current: 1, total_pages: 1 });
    expect(list.body.results).toEqual([created]);

    const distinct = {
      name: 'one address, many accounts',
      query: 'action = "login_failed"',
      type: 'value_count',
      field: 'user.username',
      group_by: ['client_ip'],
      window: 3600,
      threshold: 50,
      suppress_for: 3600,
      severity: 'alert',
      enabled: false,
    };
    const replaced = await service.call('PUT', `/rules/${created.pk}/`, { json: distinct });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toEqual({ pk: created.pk, ...distinct });

    const patched = await service.call('PATCH', `/rules/${created.pk}/`, { json: { enabled: true, threshold: 40 } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({ pk: created.pk, ...distinct, enabled: true, threshold: 40 });
    // PUT again with only what is required: the rest back to the defaults.
    const reset = await service.call('PUT', `/rules/${created.pk}/`, { json: valid });
    expect(reset.body).toEqual(created);

    expect((await service.call('DELETE', `/rules/${created.pk}/`)).status).toBe(204);
    expect((await service.call('GET', `/rules/${created.pk}/`)).status).toBe(404);
    expect((await service.call('DELETE', `/rules/${created.pk}/`)).status).toBe(404);

    const events = await audit(created.pk);
    expect(events.map((event) => event.action)).toEqual([
      'model_created',
      'model_updated',
      'model_updated',
      'model_updated',
      'model_deleted',
    ]);
    expect(events[0]?.user.username).toBe('root');
    expect(events[0]?.context.model).toMatchObject({ model_name: 'rule', pk: created.pk, name: valid.name });
    expect(events[1]?.context.model).toMatchObject({ name: distinct.name });
  });

  it('keeps names unique: taken is 400 on name, a rename frees the old one', async () => {
    const one = await create(unique({ ...valid, name: 'unique' }));
    const taken = await service.call('POST', '/rules/', { json: { ...valid, name: one.name } });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ name: ['Rule with this name already exists.'] });
    const other = await create(unique(valid));
    expect((await service.call('PATCH', `/rules/${other.pk}/`, { json: { name: one.name } })).body).toEqual({
      name: ['Rule with this name already exists.'],
    });
    expect((await service.call('PATCH', `/rules/${one.pk}/`, { json: { name: `${one.name} renamed` } })).status).toBe(
      200,
    );
    expect((await service.call('PATCH', `/rules/${other.pk}/`, { json: { name: one.name } })).status).toBe(200);
  });

  it('filters, orders and pages the list as DRF does', async () => {
    const a = await create(unique({ ...valid, name: 'zz list a', severity: 'alert', threshold: 5 }));
    const b = await create(unique({ ...valid, name: 'zz list b', severity: 'notice', threshold: 7, enabled: false }));
    const names = async (query: string) =>
      (await service.call('GET', `/rules/?search=zz%20list&${query}`)).body.results.map(
        (rule: { pk: string }) => rule.pk,
      );
    expect(await names('')).toEqual([a.pk, b.pk]);
    expect(await names('ordering=-threshold')).toEqual([b.pk, a.pk]);
    expect(await names('severity=notice')).toEqual([b.pk]);
    expect(await names('enabled=true')).toEqual([a.pk]);
    expect(await names('type=value_count')).toEqual([]);
    const page = await service.call('GET', '/rules/?search=zz%20list&page_size=1&page=2');
    expect(page.body.pagination).toMatchObject({ count: 2, current: 2, previous: 1, next: 0 });
    expect((await service.call('GET', '/rules/?page=9')).status).toBe(404);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'not-a-uuid']) {
      expect((await service.call('GET', `/rules/${id}/`)).status).toBe(404);
      expect((await service.call('PATCH', `/rules/${id}/`, { json: { enabled: false } })).status).toBe(404);
      expect((await service.call('PUT', `/rules/${id}/`, { json: valid })).status).toBe(404);
    }
  });
});

describe('bad input', () => {
  const cases: [string, string, unknown][] = [
    ['no name', 'name', { ...valid, name: undefined }],
    ['a blank name', 'name', { ...valid, name: '  ' }],
    ['a name too long', 'name', { ...valid, name: 'n'.repeat(201) }],
    ['no query', 'query', { ...valid, query: undefined }],
    ['a null query', 'query', { ...valid, query: null }],
    ['a query that does not parse', 'query', { ...valid, query: 'action = ' }],
    ['a query on an unknown field', 'query', { ...valid, query: 'colour = "red"' }],
    ['no type', 'type', { ...valid, type: undefined }],
    ['an unknown type', 'type', { ...valid, type: 'temporal' }],
    ['a field on event_count', 'field', { ...valid, field: 'user.username' }],
    ['value_count without a field', 'field', { ...valid, type: 'value_count' }],
    ['a field that is no path', 'field', { ...valid, type: 'value_count', field: 'user' }],
    ['a field also grouped by', 'field', { ...valid, type: 'value_count', field: 'user.username' }],
    ['group_by not a list', 'group_by', { ...valid, group_by: 'user.username' }],
    ['four group_by paths', 'group_by', { ...valid, group_by: ['action', 'app', 'client_ip', 'user.username'] }],
    ['a group_by path twice', 'group_by', { ...valid, group_by: ['client_ip', 'client_ip'] }],
    ['a group_by path of no field', 'group_by', { ...valid, group_by: ['created'] }],
    ['a group_by path with a bad key', 'group_by', { ...valid, group_by: ['context.user-agent'] }],
    ['a group_by path too long', 'group_by', { ...valid, group_by: [`context.${'k'.repeat(200)}`] }],
    ['no window', 'window', { ...valid, window: undefined }],
    ['a window under 10 s', 'window', { ...valid, window: 9 }],
    ['a window over a day', 'window', { ...valid, window: 86_401 }],
    ['a window as text', 'window', { ...valid, window: '600' }],
    ['a fractional window', 'window', { ...valid, window: 60.5 }],
    ['no threshold', 'threshold', { ...valid, threshold: undefined }],
    ['a threshold of 0', 'threshold', { ...valid, threshold: 0 }],
    ['a threshold over a million', 'threshold', { ...valid, threshold: 1_000_001 }],
    ['a negative suppress_for', 'suppress_for', { ...valid, suppress_for: -1 }],
    ['suppress_for over a week', 'suppress_for', { ...valid, suppress_for: 604_801 }],
    ['an unknown severity', 'severity', { ...valid, severity: 'critical' }],
    ['enabled as text', 'enabled', { ...valid, enabled: 'yes' }],
    ['an unknown key', 'colour', { ...valid, colour: 'red' }],
    ['a list for a body', 'non_field_errors', [valid]],
  ];

  it.each(cases)('POST with %s: 400 naming %s, nothing stored', async (_name, field, body) => {
    const before = service.completedWrites();
    const answer = await service.call('POST', '/rules/', { json: body });
    expect(answer.status, answer.text).toBe(400);
    expect(Object.keys(answer.body)).toEqual([field]);
    expect(answer.body[field]).toEqual([expect.any(String)]);
    expect(service.completedWrites()).toBe(before);
  });

  it('checks a PATCH against the rule it makes: value_count needs its field, event_count refuses one', async () => {
    const rule = await create(unique(valid));
    const before = service.completedWrites();
    const noField = await service.call('PATCH', `/rules/${rule.pk}/`, { json: { type: 'value_count' } });
    expect(noField.body).toEqual({ field: ['This field is required for a value_count rule.'] });
    const bad = await service.call('PATCH', `/rules/${rule.pk}/`, { json: { window: 5, query: 'x' } });
    expect(Object.keys(bad.body).sort()).toEqual(['query', 'window']);
    expect(service.completedWrites()).toBe(before);
    const counted = await service.call('PATCH', `/rules/${rule.pk}/`, {
      json: { type: 'value_count', field: 'client_ip' },
    });
    expect(counted.status, counted.text).toBe(200);
    const back = await service.call('PATCH', `/rules/${rule.pk}/`, { json: { type: 'event_count' } });
    expect(back.body).toEqual({ field: [expect.stringContaining('Only a value_count rule counts a field')] });
    const cleared = await service.call('PATCH', `/rules/${rule.pk}/`, { json: { type: 'event_count', field: null } });
    expect(cleared.body).toMatchObject({ type: 'event_count', field: null });
  });

  it('names the problem of a query as the query language does', async () => {
    const answer = await service.call('POST', '/rules/', { json: { ...valid, query: 'action = "login" or' } });
    expect(answer.body.query[0]).toMatch(/position/);
  });
});

describe('who may', () => {
  it('reads with eventhandling_read and changes with eventhandling_write only', async () => {
    const rule = await create(unique(valid));
    const reader = await service.admin('rule-reader', ['eventhandling_read']);
    const writer = await service.admin('rule-writer', ['eventhandling_write']);
    const auditor = await service.admin('rule-auditor', ['auditlog_read', 'auditlog_write', 'policy_write']);
    expect((await service.call('GET', '/rules/', { token: reader })).status).toBe(200);
    expect((await service.call('GET', `/rules/${rule.pk}/`, { token: reader })).status).toBe(200);
    const before = service.completedWrites();
    for (const token of [reader, auditor]) {
      expect((await service.call('POST', '/rules/', { token, json: unique(valid) })).status).toBe(403);
      expect((await service.call('PATCH', `/rules/${rule.pk}/`, { token, json: { enabled: false } })).status).toBe(403);
      expect((await service.call('PUT', `/rules/${rule.pk}/`, { token, json: valid })).status).toBe(403);
      expect((await service.call('DELETE', `/rules/${rule.pk}/`, { token })).status).toBe(403);
    }
    expect(service.completedWrites()).toBe(before);
    expect((await service.call('GET', '/rules/', { token: writer })).status).toBe(403);
    expect((await service.call('GET', '/rules/', { token: auditor })).status).toBe(403);
    const disabled = await service.call('PATCH', `/rules/${rule.pk}/`, { token: writer, json: { enabled: false } });
    expect(disabled.status, disabled.text).toBe(200);
    expect((await audit(rule.pk)).at(-1)).toMatchObject({ action: 'model_updated', user: { username: 'rule-writer' } });
  });
});
