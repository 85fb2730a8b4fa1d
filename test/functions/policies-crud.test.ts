import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const base = '/policies/event_matcher/';
const readOnly = {
  component: 'ak-policy-event-matcher-form',
  verbose_name: 'Event Matcher Policy',
  verbose_name_plural: 'Event Matcher Policies',
  meta_model_name: 'authentik_policies_event_matcher.eventmatcherpolicy',
};

async function create(body: Record<string, unknown>) {
  const answer = await service.call('POST', base, { json: body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

async function auditEvents(action: string, pk: string) {
  const answer = await service.call(
    'GET',
    `/events/events/?action=${action}&context_model_name=eventmatcherpolicy&context_model_pk=${pk}`,
  );
  expect(answer.status).toBe(200);
  return answer.body.results;
}

describe('create and read', () => {
  it('creates with 201 and answers the full representation in the seed order', async () => {
    const created = await create({ name: 'failed logins', action: 'login_failed' });
    expect(Object.keys(created)).toEqual([
      'pk',
      'name',
      'execution_logging',
      'component',
      'verbose_name',
      'verbose_name_plural',
      'meta_model_name',
      'bound_to',
      'action',
      'client_ip',
      'app',
      'model',
      'query',
    ]);
    expect(created).toEqual({
      pk: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'failed logins',
      execution_logging: false,
      ...readOnly,
      bound_to: 0,
      action: 'login_failed',
      client_ip: null,
      app: null,
      model: null,
      query: null,
    });
    const read = await service.call('GET', `${base}${created.pk}/`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
  });

  it('stores every criterion and execution_logging', async () => {
    const created = await create({
      name: 'everything',
      execution_logging: true,
      action: 'custom_',
      client_ip: '2001:db8::/32',
      app: 'authentik.core',
      model: 'authentik_core.user',
    });
    expect((await service.call('GET', `${base}${created.pk}/`)).body).toMatchObject({
      execution_logging: true,
      action: 'custom_',
      client_ip: '2001:db8::/32',
      app: 'authentik.core',
      model: 'authentik_core.user',
    });
  });

  it('accepts the read-only fields a client sends back, and ignores them', async () => {
    const created = await create({
      pk: '00000000-0000-4000-8000-000000000000',
      name: 'echoed',
      app: 'authentik.flows',
      ...readOnly,
      component: 'something else',
      bound_to: 7,
    });
    expect(created.pk).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(created.component).toBe('ak-policy-event-matcher-form');
    expect(created.bound_to).toBe(0);
  });

  it('answers 404 {"detail": "Not found."} for unknown and malformed ids, on every item route', async () => {
    for (const id of ['6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10', 'nope']) {
      for (const [method, path, json] of [
        ['GET', `${base}${id}/`, undefined],
        ['PUT', `${base}${id}/`, { name: 'x', app: 'a' }],
        ['PATCH', `${base}${id}/`, { name: 'x' }],
        ['DELETE', `${base}${id}/`, undefined],
        ['GET', `${base}${id}/used_by/`, undefined],
        ['POST', `${base}${id}/test/`, { event_uuid: '6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10' }],
      ] as const) {
        const answer = await service.call(method, path, { json });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body).toEqual({ detail: 'Not found.' });
      }
    }
  });

  it('finds a policy by its id in upper case or without dashes', async () => {
    const created = await create({ name: 'spelling', app: 'x' });
    expect((await service.call('GET', `${base}${created.pk.toUpperCase()}/`)).body.pk).toBe(created.pk);
    expect((await service.call('GET', `${base}${created.pk.replaceAll('-', '')}/`)).body.pk).toBe(created.pk);
  });
});

describe('update', () => {
  it('PUT replaces every field: omitted criteria become null, execution_logging false', async () => {
    const created = await create({ name: 'put me', action: 'login', client_ip: '10.0.0.0/8', execution_logging: true });
    const answer = await service.call('PUT', `${base}${created.pk}/`, {
      json: { name: 'put me 2', app: 'authentik.core' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      pk: created.pk,
      name: 'put me 2',
      execution_logging: false,
      action: null,
      client_ip: null,
      app: 'authentik.core',
      model: null,
    });
    expect((await service.call('GET', `${base}${created.pk}/`)).body).toEqual(answer.body);
  });

  it('PUT accepts the representation it read, changed', async () => {
    const created = await create({ name: 'round trip', action: 'logout' });
    const answer = await service.call('PUT', `${base}${created.pk}/`, { json: { ...created, model: 'a.b' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ ...created, model: 'a.b' });
  });

  it('PATCH changes only the fields given; null clears a criterion', async () => {
    const created = await create({ name: 'patch me', action: 'login', app: 'authentik.core' });
    const renamed = await service.call('PATCH', `${base}${created.pk}/`, { json: { name: 'patched' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created, name: 'patched' });
    const cleared = await service.call('PATCH', `${base}${created.pk}/`, {
      json: { action: null, execution_logging: true },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ ...created, name: 'patched', action: null, execution_logging: true });
    const empty = await service.call('PATCH', `${base}${created.pk}/`, { json: {} });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(cleared.body);
  });

  it('a rename frees the old name and takes the new one', async () => {
    const created = await create({ name: 'old name', app: 'x' });
    expect((await service.call('PATCH', `${base}${created.pk}/`, { json: { name: 'new name' } })).status).toBe(200);
    await create({ name: 'old name', app: 'y' });
    const taken = await service.call('POST', base, { json: { name: 'new name', app: 'z' } });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ name: ['Policy with this name already exists.'] });
  });

  it('keeping its own name is not a conflict', async () => {
    const created = await create({ name: 'mine', app: 'x' });
    const answer = await service.call('PUT', `${base}${created.pk}/`, { json: { name: 'mine', app: 'y' } });
    expect(answer.status).toBe(200);
  });

  it('concurrent patches of different fields all land', async () => {
    const created = await create({ name: 'busy', app: 'x' });
    const answers = await Promise.all([
      service.call('PATCH', `${base}${created.pk}/`, { json: { action: 'login' } }),
      service.call('PATCH', `${base}${created.pk}/`, { json: { client_ip: '192.0.2.1' } }),
      service.call('PATCH', `${base}${created.pk}/`, { json: { model: 'a.b' } }),
      service.call('PATCH', `${base}${created.pk}/`, { json: { execution_logging: true } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await service.call('GET', `${base}${created.pk}/`)).body).toMatchObject({
      app: 'x',
      action: 'login',
      client_ip: '192.0.2.1',
      model: 'a.b',
      execution_logging: true,
    });
  });
});

describe('delete', () => {
  it('answers 204 with no body, then 404; the name is free again', async () => {
    const created = await create({ name: 'doomed', app: 'x' });
    const answer = await service.call('DELETE', `${base}${created.pk}/`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect((await service.call('GET', `${base}${created.pk}/`)).status).toBe(404);
    expect((await service.call('DELETE', `${base}${created.pk}/`)).status).toBe(404);
    await create({ name: 'doomed', app: 'x' });
  });
});

describe('unique names', () => {
  it('refuses a second policy with a taken name, changing nothing', async () => {
    await create({ name: 'taken', app: 'x' });
    const before = service.completedWrites();
    const answer = await service.call('POST', base, { json: { name: 'taken', app: 'y' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ name: ['Policy with this name already exists.'] });
    expect(service.completedWrites()).toBe(before);
  });

  it('refuses renaming onto a taken name', async () => {
    await create({ name: 'first', app: 'x' });
    const second = await create({ name: 'second', app: 'x' });
    const before = service.completedWrites();
    for (const method of ['PUT', 'PATCH'] as const) {
      const answer = await service.call(method, `${base}${second.pk}/`, { json: { name: 'first', app: 'x' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ name: ['Policy with this name already exists.'] });
    }
    expect(service.completedWrites()).toBe(before);
  });

  it('names compare after trimming, case-sensitively', async () => {
    await create({ name: 'Trimmed', app: 'x' });
    expect((await service.call('POST', base, { json: { name: '  Trimmed ', app: 'x' } })).status).toBe(400);
    expect((await create({ name: 'trimmed', app: 'x' })).name).toBe('trimmed');
  });

  it('of many concurrent creates with one name, exactly one wins', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => service.call('POST', base, { json: { name: 'race', app: `a${i}` } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(7);
    const listed = await service.call('GET', `${base}?name=race`);
    expect(listed.body.pagination.count).toBe(1);
  });
});

describe('audit', () => {
  it('records model_created, model_updated and model_deleted with the admin and the policy', async () => {
    const created = await create({ name: 'audited', app: 'x' });
    await service.call('PATCH', `${base}${created.pk}/`, { json: { name: 'audited 2' } });
    await service.call('DELETE', `${base}${created.pk}/`);
    const [made] = await auditEvents('model_created', created.pk);
    expect(made).toMatchObject({
      action: 'model_created',
      app: 'idp_event_hub',
      user: { username: 'root' },
      context: { model: { app: 'idp_event_hub', model_name: 'eventmatcherpolicy', pk: created.pk, name: 'audited' } },
    });
    const [updated] = await auditEvents('model_updated', created.pk);
    expect(updated.context.model.name).toBe('audited 2');
    const [deleted] = await auditEvents('model_deleted', created.pk);
    expect(deleted.context.model.name).toBe('audited 2');
  });

  it('records nothing for a refused change', async () => {
    const created = await create({ name: 'quiet', app: 'x' });
    await service.call('PATCH', `${base}${created.pk}/`, { json: { client_ip: 'nope' } });
    expect(await auditEvents('model_updated', created.pk)).toEqual([]);
  });
});

describe('policy actions', () => {
  it('policy_read reads but cannot write; 403 {"detail"} and nothing written', async () => {
    const created = await create({ name: 'guarded', app: 'x' });
    const reader = await service.admin('policy-reader', ['policy_read']);
    expect((await service.call('GET', base, { token: reader })).status).toBe(200);
    expect((await service.call('GET', `${base}${created.pk}/`, { token: reader })).status).toBe(200);
    expect((await service.call('GET', `${base}${created.pk}/used_by/`, { token: reader })).status).toBe(200);
    const before = service.completedWrites();
    for (const [method, path, json] of [
      ['POST', base, { name: 'nope', app: 'x' }],
      ['PUT', `${base}${created.pk}/`, { name: 'nope', app: 'x' }],
      ['PATCH', `${base}${created.pk}/`, { name: 'nope' }],
      ['DELETE', `${base}${created.pk}/`, undefined],
      ['POST', `${base}${created.pk}/test/`, { event: { action: 'login', app: 'x' } }],
    ] as const) {
      const answer = await service.call(method, path, { token: reader, json });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).toEqual({ detail: 'You do not have permission to perform this action.' });
    }
    expect(service.completedWrites()).toBe(before);
  });

  it('policy_write alone cannot read', async () => {
    const created = await create({ name: 'write only', app: 'x' });
    const writer = await service.admin('policy-writer', ['policy_write']);
    for (const path of [base, `${base}${created.pk}/`, `${base}${created.pk}/used_by/`]) {
      const answer = await service.call('GET', path, { token: writer });
      expect(answer.status, path).toBe(403);
      expect(answer.body).toEqual({ detail: 'You do not have permission to perform this action.' });
    }
    expect((await service.call('PATCH', `${base}${created.pk}/`, { token: writer, json: { app: 'y' } })).status).toBe(
      200,
    );
  });

  it('other actions give no access to policies', async () => {
    const other = await service.admin('auditor', ['auditlog_read', 'auditlog_write', 'eventhandling_write']);
    expect((await service.call('GET', base, { token: other })).status).toBe(403);
    expect((await service.call('POST', base, { token: other, json: { name: 'n', app: 'x' } })).status).toBe(403);
  });

  it('no credential: 401 from the gateway', async () => {
    expect((await service.call('GET', base, { token: null })).status).toBe(401);
  });
});
