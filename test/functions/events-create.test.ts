import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postedByRoot } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const valid = { action: 'login_failed', app: 'authentik.core', user: { username: 'alice', pk: 7 } };

describe('POST /events/events/', () => {
  it('stores an event and answers 201 with every field in order', async () => {
    const answer = await service.call('POST', '/events/events/', {
      json: { ...valid, client_ip: '2001:db8::1', brand: { name: 'acme' } },
    });
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body)).toEqual([
      'pk',
      'user',
      'action',
      'app',
      'context',
      'client_ip',
      'created',
      'expires',
      'brand',
    ]);
    expect(answer.body).toMatchObject({ ...valid, context: {}, client_ip: '2001:db8::1', brand: { name: 'acme' } });
    const expiresInDays = (Date.parse(answer.body.expires) - Date.parse(answer.body.created)) / 86_400_000;
    expect(expiresInDays).toBe(365);
    const read = await service.call('GET', `/events/events/${answer.body.pk}/`);
    expect(read.body).toEqual(answer.body);
  });

  it('ignores created and pk from the body', async () => {
    const answer = await service.call('POST', '/events/events/', {
      json: { ...valid, created: '2001-01-01T00:00:00Z', pk: '00000000-0000-0000-0000-000000000000' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.pk).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(answer.body.created.startsWith('2001')).toBe(false);
  });

  it('accepts custom_ prefixed actions and the literal custom_', async () => {
    for (const action of ['custom_', 'custom_password_expired']) {
      expect((await service.call('POST', '/events/events/', { json: { ...valid, action } })).status).toBe(201);
    }
  });

  it('refuses custom_ actions longer than 128 characters, storing nothing', async () => {
    const before = service.completedWrites();
    const answer = await service.call('POST', '/events/events/', {
      json: { ...valid, action: `custom_${'e'.repeat(122)}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toHaveProperty('action');
    expect(service.completedWrites()).toBe(before);
    const longest = await service.call('POST', '/events/events/', {
      json: { ...valid, action: `custom_${'e'.repeat(121)}` },
    });
    expect(longest.status).toBe(201);
  });

  it('masks secrets in context at any depth, case-insensitively', async () => {
    const answer = await service.call('POST', '/events/events/', {
      json: {
        ...valid,
        context: {
          Password: 'hunter2',
          passing: true,
          nested: { API_KEY: 'k', list: [{ refresh_token: 't', safe: 1 }], HTTP_COOKIE: 'c', signature: 's' },
          client_secret: { deep: 'x' },
        },
      },
    });
    const mask = '********************';
    expect(answer.body.context).toEqual({
      Password: mask,
      passing: true,
      nested: { API_KEY: mask, list: [{ refresh_token: mask, safe: 1 }], HTTP_COOKIE: mask, signature: mask },
      client_secret: mask,
      ...postedByRoot,
    });
    const stored = await service.call('GET', `/events/events/${answer.body.pk}/`);
    expect(JSON.stringify(stored.body)).not.toContain('hunter2');
  });

  it('records who ingested it in context.provenance, over what a client sent (issue 21 item 5)', async () => {
    const forged = { ingested_by: { connector: 'x', kind: 'okta' }, native_id: 'n', attested: true };
    const answer = await service.call('POST', '/events/events/', {
      json: { ...valid, context: { provenance: forged, keep: 1 } },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.context).toEqual({ keep: 1, ...postedByRoot });
    const search = encodeURIComponent('context.provenance.ingested_by.admin = "root" and context.keep = 1');
    const found = await service.call('GET', `/events/events/?search=${search}`);
    expect(found.body.results.map((event: { pk: string }) => event.pk)).toContain(answer.body.pk);
  });

  it('uses the given expiry and refuses one in the past', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    expect((await service.call('POST', '/events/events/', { json: { ...valid, expires } })).body.expires).toBe(expires);
    const before = service.completedWrites();
    const past = await service.call('POST', '/events/events/', { json: { ...valid, expires: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body).toEqual({ expires: ['Expiry must be in the future.'] });
    expect(service.completedWrites()).toBe(before);
  });

  const rejected: [string, unknown, Record<string, unknown>][] = [
    ['missing action', { app: 'a' }, { action: ['This field is required.'] }],
    ['null action', { action: null, app: 'a' }, { action: ['This field may not be null.'] }],
    ['unknown action', { action: 'nope', app: 'a' }, { action: ['"nope" is not a valid choice.'] }],
    ['bare custom prefix typo', { action: 'custom', app: 'a' }, { action: ['"custom" is not a valid choice.'] }],
    ['action of wrong type', { action: 5, app: 'a' }, { action: ['Not a valid string.'] }],
    ['missing app', { action: 'login' }, { app: ['This field is required.'] }],
    ['blank app', { action: 'login', app: '  ' }, { app: ['This field may not be blank.'] }],
    ['bad client_ip', { ...valid, client_ip: '10.0.0.300' }, { client_ip: ['Enter a valid IPv4 or IPv6 address.'] }],
    [
      'CIDR as client_ip',
      { ...valid, client_ip: '10.0.0.0/8' },
      { client_ip: ['Enter a valid IPv4 or IPv6 address.'] },
    ],
    [
      'context not an object',
      { ...valid, context: [1] },
      { context: ['Value must be a dictionary, and not have any duplicate keys.'] },
    ],
    [
      'user a string',
      { ...valid, user: 'alice' },
      { user: ['Value must be a dictionary, and not have any duplicate keys.'] },
    ],
    ['brand null', { ...valid, brand: null }, { brand: ['This field may not be null.'] }],
    [
      'expires malformed',
      { ...valid, expires: 'tomorrow' },
      {
        expires: [
          'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
        ],
      },
    ],
    ['unknown field', { ...valid, severity: 'high' }, { severity: ['Unknown field.'] }],
    ['a list body', [valid], { non_field_errors: ['Invalid data. Expected a dictionary, but got another type.'] }],
  ];

  it.each(rejected)('refuses %s with DRF field errors and stores nothing', async (_name, json, errors) => {
    const before = service.completedWrites();
    const answer = await service.call('POST', '/events/events/', { json });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(errors);
    expect(service.completedWrites()).toBe(before);
  });

  it('refuses malformed JSON, an empty body and a wrong media type', async () => {
    const before = service.completedWrites();
    const malformed = await service.call('POST', '/events/events/', { raw: '{"action": "login",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/^JSON parse error - /);
    const twice = await service.call('POST', '/events/events/', {
      raw: '{"action": "login", "app": "a", "context": {"reason": "x", "reason": "y"}}',
    });
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual({ detail: 'JSON parse error - duplicate key "reason"' });
    const empty = await service.call('POST', '/events/events/', { raw: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ non_field_errors: ['No data provided'] });
    const xml = await service.call('POST', '/events/events/', { raw: '<a/>', headers: { 'content-type': 'text/xml' } });
    expect(xml.status).toBe(400);
    expect(xml.body.detail).toContain('Unsupported media type');
    expect(service.completedWrites()).toBe(before);
  });

  it('refuses a body over 64 KiB with 413 and stores nothing', async () => {
    const before = service.completedWrites();
    const answer = await service.call('POST', '/events/events/', {
      json: { ...valid, context: { blob: 'x'.repeat(70_000) } },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.detail).toContain('65536');
    expect(service.completedWrites()).toBe(before);
  });

  it('answers a repeated Idempotency-Key with the first response and stores once', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await service.call('POST', '/events/events/', { json: valid, headers });
    const afterFirst = await service.digest();
    const second = await service.call('POST', '/events/events/', { json: valid, headers });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await service.digest()).toBe(afterFirst);
    const other = await service.call('POST', '/events/events/', { json: { ...valid, app: 'other' }, headers });
    expect(other.status).toBe(422);
    expect(await service.digest()).toBe(afterFirst);
  });

  it('keeps Idempotency-Keys apart per admin', async () => {
    const token = await service.admin('writer-2', ['auditlog_write', 'auditlog_read']);
    const headers = { 'idempotency-key': 'shared-key' };
    const mine = await service.call('POST', '/events/events/', { json: valid, headers });
    const theirs = await service.call('POST', '/events/events/', { json: valid, headers, token });
    expect(theirs.status).toBe(201);
    expect(theirs.body.pk).not.toBe(mine.body.pk);
  });

  it('answers with no-store and nosniff headers', async () => {
    const answer = await service.call('POST', '/events/events/', { json: valid });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never scans the table', () => {
    expect(service.commands).not.toContain('ScanCommand');
    expect(service.commands).toContain('PutItemCommand');
  });
});
