// Connectors through real HTTP (issue 21 items 1, 2, 4, 5, 6): the admin API in authentik's
// conventions, the ingest route opened only by the connector's own secret, a request's events
// stored once by native id, provenance set by the server, and the whole hub applying to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.close());

const create = async (json: Record<string, unknown>) => {
  const answer = await service.call('POST', '/connectors/', { json });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; secret: string; ingest_url: string; name: string };
};

/** An authentik-kind request: its own serialized events, posted with the connector's secret. */
const authentikEvent = (pk: string, action = 'login', extra: Record<string, unknown> = {}) => ({
  pk,
  action,
  app: 'authentik.events.signals',
  user: { pk: 7, username: 'ana', email: 'ana@example.com' },
  context: { http_request: { path: '/flows/' }, token: 'hunter2', ...extra },
  client_ip: '192.0.2.7',
  created: '2026-12-01T10:00:00.000000Z',
  brand: { name: 'acme' },
});

const ingest = (connector: { pk: string }, secret: string, body: unknown, headers: Record<string, string> = {}) =>
  service.call('POST', `/ingest/${connector.pk}`, {
    authorization: `Bearer ${secret}`,
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });

describe('the connector admin API', () => {
  it('creates, lists, reads, renames, disables, rotates and deletes, each audited, the secret shown twice only', async () => {
    const created = await create({ name: 'okta prod', kind: 'okta' });
    expect(created).toMatchObject({ name: 'okta prod', kind: 'okta', enabled: true, received: 0, last_received: null });
    expect(created.secret).toMatch(/^iehc_[A-Za-z0-9_-]{43}$/);
    expect(created.ingest_url).toBe(`${service.url}/ingest/${created.pk}`);
    const read = await service.call('GET', `/connectors/${created.pk}/`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(read.text).not.toContain(created.secret);
    const list = await service.call('GET', '/connectors/?search=okta');
    expect(list.body.pagination.count).toBe(1);
    expect(list.body.results[0].pk).toBe(created.pk);
    const taken = await service.call('POST', '/connectors/', { json: { name: 'okta prod', kind: 'auth0' } });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ name: ['Connector with this name already exists.'] });
    const patched = await service.call('PATCH', `/connectors/${created.pk}/`, {
      json: { name: 'okta', enabled: false },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: 'okta', enabled: false });
    const rotated = await service.call('POST', `/connectors/${created.pk}/rotate/`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect((await service.call('DELETE', `/connectors/${created.pk}/`)).status).toBe(204);
    expect((await service.call('GET', `/connectors/${created.pk}/`)).status).toBe(404);
    const audit = await service.call('GET', '/events/events/?search=context.model.model_name%20%3D%20%22connector%22');
    expect(audit.body.results.map((event: { action: string }) => event.action).sort()).toEqual([
      'model_created',
      'model_deleted',
      'model_updated',
      'model_updated',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.secret);
  });

  it('refuses bad input in DRF shape, changing nothing', async () => {
    for (const [json, field] of [
      [{ kind: 'okta' }, 'name'],
      [{ name: 'x', kind: 'splunk' }, 'kind'],
      [{ name: 'x', kind: 'okta', enabled: 'yes' }, 'enabled'],
      [{ name: 'x', kind: 'okta', colour: 'red' }, 'colour'],
    ] as const) {
      const before = service.completedWrites();
      const answer = await service.call('POST', '/connectors/', { json });
      expect(answer.status, answer.text).toBe(400);
      expect(Object.keys(answer.body)).toEqual([field]);
      expect(service.completedWrites()).toBe(before);
    }
  });

  it('needs auditlog_read to read and auditlog_write to change', async () => {
    const reader = await service.admin('connector-reader', ['auditlog_read']);
    const writer = await service.admin('connector-writer', ['auditlog_write']);
    expect((await service.call('GET', '/connectors/', { token: reader })).status).toBe(200);
    expect(
      (await service.call('POST', '/connectors/', { token: reader, json: { name: 'r', kind: 'okta' } })).status,
    ).toBe(403);
    expect((await service.call('GET', '/connectors/', { token: writer })).status).toBe(403);
  });
});

describe('ingest', () => {
  it('is opened by the connector own secret only: 401 otherwise, nothing stored', async () => {
    const one = await create({ name: 'authentik a', kind: 'authentik' });
    const other = await create({ name: 'authentik b', kind: 'authentik' });
    const body = JSON.stringify(authentikEvent('3f9e1b0c-0000-4000-8000-000000000001'));
    const refusals: [string, Record<string, string>][] = [
      [`/ingest/${one.pk}`, {}],
      [`/ingest/${one.pk}`, { authorization: `Bearer ${other.secret}` }],
      [`/ingest/${one.pk}`, { authorization: `Bearer ${service.rootToken}` }],
      [`/ingest/${one.pk}`, { authorization: `Bearer ${one.secret}x` }],
      ['/ingest/8b0d7c1e-1111-4111-8111-111111111111', { authorization: `Bearer ${one.secret}` }],
      ['/ingest/not-a-uuid', { authorization: `Bearer ${one.secret}` }],
    ];
    for (const [path, headers] of refusals) {
      const before = service.completedWrites();
      const answer = await service.call('POST', path, { token: null, raw: body, headers });
      expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
      expect(service.completedWrites()).toBe(before);
    }
    // The secret opens no admin route.
    expect((await service.call('GET', '/events/events/', { authorization: `Bearer ${one.secret}` })).status).toBe(401);
    // Disabled: refused; enabled again: the raw secret as the whole header value works too (Okta, Auth0).
    await service.call('PATCH', `/connectors/${one.pk}/`, { json: { enabled: false } });
    expect((await ingest(one, one.secret, body)).status).toBe(401);
    await service.call('PATCH', `/connectors/${one.pk}/`, { json: { enabled: true } });
    const raw = await service.call('POST', `/ingest/${one.pk}`, { authorization: one.secret, raw: body });
    expect(raw.status, raw.text).toBe(200);
    expect(raw.body).toMatchObject({ stored: 1, duplicates: 0, skipped: [] });
    // Rotated: the old secret stops at once.
    const rotated = (await service.call('POST', `/connectors/${one.pk}/rotate/`)).body;
    expect((await ingest(one, one.secret, body)).status).toBe(401);
    expect((await ingest(one, rotated.secret, body)).body).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('stores each native id once, under concurrent redelivery too, with provenance set by the server', async () => {
    const connector = await create({ name: 'authentik c', kind: 'authentik' });
    const records = [1, 2, 3].map((i) =>
      authentikEvent(`5a1c2d3e-0000-4000-8000-00000000000${i}`, i === 2 ? 'login_failed' : 'login', {
        provenance: { attested: false, ingested_by: 'a client' },
      }),
    );
    const answers = await Promise.all([1, 2, 3, 4].map(() => ingest(connector, connector.secret, records)));
    for (const answer of answers) expect(answer.status, answer.text).toBe(200);
    expect(answers.reduce((sum, answer) => sum + answer.body.stored, 0)).toBe(3);
    expect(answers.reduce((sum, answer) => sum + answer.body.duplicates, 0)).toBe(9);
    const found = await service.call(
      'GET',
      `/events/events/?search=${encodeURIComponent(
        `context.provenance.ingested_by.connector = "${connector.pk}"`,
      )}&ordering=created`,
    );
    expect(found.body.pagination.count).toBe(3);
    // Concurrent requests interleave: the first record is found by its native id.
    const first = found.body.results.find(
      (event: { context: { provenance: { native_id: string } } }) =>
        event.context.provenance.native_id === '5a1c2d3e-0000-4000-8000-000000000001',
    );
    expect(first.context.provenance).toEqual({
      ingested_by: { connector: connector.pk, kind: 'authentik' },
      native_id: '5a1c2d3e-0000-4000-8000-000000000001',
      attested: true,
    });
    // The vendor record is kept whole, its secrets masked like any context; the user and address mapped.
    expect(first.context.token).toBe('********************');
    expect(first.user).toMatchObject({ username: 'ana' });
    expect(first.client_ip).toBe('192.0.2.7');
    expect(first.context.source_time).toBe('2026-12-01T10:00:00.000Z');
    const read = (await service.call('GET', `/connectors/${connector.pk}/`)).body;
    expect(read.received).toBe(3);
    expect(Date.parse(read.last_received)).toBeGreaterThan(Date.now() - 60_000);
    // The Onegini search finds them like any event.
    const onegini = await service.call('GET', '/api/events?actor=ana&limit=20&offset=0');
    expect(onegini.status, onegini.text).toBe(200);
    expect(onegini.body.pagination.totalResults).toBeGreaterThanOrEqual(3);
  });

  it('stores a large delivery a few to a transaction: a native id repeated in it, or sent at once by another delivery, once', async () => {
    const connector = await create({ name: 'authentik big', kind: 'authentik' });
    const id = (i: number) => `5a1c2d3e-0000-4000-8000-${String(100 + i).padStart(12, '0')}`;
    // 60 records (three transactions' worth), the 7th sent twice; another delivery holds 10 of them.
    const records = [
      ...Array.from({ length: 60 }, (_, i) => authentikEvent(id(i), 'login')),
      authentikEvent(id(7), 'login'),
    ];
    const overlap = Array.from({ length: 10 }, (_, i) => authentikEvent(id(20 + i * 3), 'login'));
    const [big, small] = await Promise.all([
      ingest(connector, connector.secret, records),
      ingest(connector, connector.secret, overlap),
    ]);
    expect(big.status, big.text).toBe(200);
    expect(small.status, small.text).toBe(200);
    expect(big.body.stored + small.body.stored).toBe(60);
    expect(big.body.duplicates + small.body.duplicates).toBe(11);
    // Each record answers its event: a repeat the same as its first.
    expect(big.body.events).toHaveLength(61);
    expect(big.body.events[60]).toBe(big.body.events[7]);
    const found = await service.call(
      'GET',
      `/events/events/?search=${encodeURIComponent(`context.provenance.ingested_by.connector = "${connector.pk}"`)}&page_size=100`,
    );
    expect(found.body.pagination.count).toBe(60);
    expect(new Set(found.body.results.map((e: { pk: string }) => e.pk))).toEqual(new Set(big.body.events));
    // Sent again whole: nothing new.
    const again = await ingest(connector, connector.secret, records);
    expect(again.body).toMatchObject({ stored: 0, duplicates: 61 });
    expect(again.body.events).toEqual(big.body.events);
  });

  it('skips an unmappable record and names it; refuses a malformed request whole with 400', async () => {
    const connector = await create({ name: 'authentik d', kind: 'authentik' });
    const mixed = [
      authentikEvent('6b2d3e4f-0000-4000-8000-000000000001'),
      authentikEvent('6b2d3e4f-0000-4000-8000-000000000002', 'not_an_action'),
    ];
    const answer = await ingest(connector, connector.secret, mixed);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.stored).toBe(1);
    expect(answer.body.skipped).toEqual([
      expect.objectContaining({ position: 1, native_id: '6b2d3e4f-0000-4000-8000-000000000002' }),
    ]);
    for (const body of ['{"pk":', '[{"action":"login","app":"x"}]', '"a string"']) {
      const before = service.completedWrites();
      const refused = await ingest(connector, connector.secret, body);
      expect(refused.status, body).toBe(400);
      expect(typeof refused.body.detail).toBe('string');
      expect(service.completedWrites()).toBe(before);
    }
    // A record too large or too deep for one event is skipped by name, the others stored.
    const big = [
      authentikEvent('6b2d3e4f-0000-4000-8000-000000000003', 'login', { blob: 'x'.repeat(70_000) }),
      authentikEvent('6b2d3e4f-0000-4000-8000-000000000004', 'login', {
        deep: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`),
      }),
      authentikEvent('6b2d3e4f-0000-4000-8000-000000000005'),
    ];
    const partly = await ingest(connector, connector.secret, big);
    expect(partly.status, partly.text).toBe(200);
    expect(partly.body.stored).toBe(1);
    expect(partly.body.skipped.map((record: { position: number }) => record.position)).toEqual([0, 1]);
    const tooLarge = await ingest(connector, connector.secret, `[${'1,'.repeat(600_000)}1]`);
    expect(tooLarge.status).toBe(413);
  });

  it("answers Okta's one-time verification with the challenge, only with the secret", async () => {
    const okta = await create({ name: 'okta verify', kind: 'okta' });
    const challenge = { 'x-okta-verification-challenge': 'abc123' };
    const answer = await service.call('GET', `/ingest/${okta.pk}`, {
      authorization: `Bearer ${okta.secret}`,
      headers: challenge,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({ verification: 'abc123' });
    expect((await service.call('GET', `/ingest/${okta.pk}`, { token: null, headers: challenge })).status).toBe(401);
  });
});
