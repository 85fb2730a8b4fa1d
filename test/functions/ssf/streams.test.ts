// Shared Signals stream management through real HTTP (issue 23 items 2 and 3): SSF 1.0 §8.1.1
// create, read one and all, PATCH, PUT, DELETE, status and subjects; a stream is its creator's;
// SSF error bodies, nothing written on a refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type Service, startService } from '../../helpers/service.ts';

const caep = 'https://schemas.openid.net/secevent/caep/event-type/';
const risc = 'https://schemas.openid.net/secevent/risc/event-type/';
const supported = [
  `${caep}session-revoked`,
  `${caep}session-established`,
  `${caep}credential-change`,
  `${caep}risk-level-change`,
  `${risc}account-disabled`,
  `${risc}account-enabled`,
  `${risc}account-purged`,
];

let service: Service;
let other: string;
let reader: string;
let writer: string;
beforeAll(async () => {
  service = await startService();
  other = await service.admin('other-receiver', ['eventhandling_read', 'eventhandling_write']);
  reader = await service.admin('ssf-reader', ['eventhandling_read']);
  writer = await service.admin('ssf-writer', ['eventhandling_write']);
});
afterAll(() => service?.close());

const create = async (json?: unknown, token?: string) => {
  const answer = await service.call('POST', '/ssf/stream', { json, token });
  expect(answer.status, answer.text).toBe(201);
  return answer.body;
};

function expectSsfError(answer: Answer, status: number, err: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body).toEqual({ err, description: expect.any(String) });
}

describe('creating a stream', () => {
  it('without delivery: poll, at a URL the hub assigns, unique per stream; every supported type but the opt-in login', async () => {
    const one = await create();
    const two = await create({ description: 'second' });
    expect(one.stream_id).toMatch(/^[0-9a-f]{32}$/);
    expect(one).toEqual({
      stream_id: one.stream_id,
      iss: service.url,
      aud: `${service.url}/ssf/receivers/root`,
      delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: `${service.url}/ssf/poll/${one.stream_id}` },
      events_supported: supported,
      events_delivered: supported.filter((type) => !type.endsWith('session-established')),
      // The transmitter's: SSF_MIN_VERIFICATION_INTERVAL_S, 5 s by default.
      min_verification_interval: 5,
    });
    expect(two.delivery.endpoint_url).not.toBe(one.delivery.endpoint_url);
    expect(two.description).toBe('second');
  });

  it('delivers requested ∩ supported, ignoring types it does not know', async () => {
    const stream = await create({
      events_requested: [`${caep}session-established`, `${caep}session-revoked`, 'urn:example:unknown'],
    });
    expect(stream.events_requested).toEqual([
      `${caep}session-established`,
      `${caep}session-revoked`,
      'urn:example:unknown',
    ]);
    expect(stream.events_delivered).toEqual([`${caep}session-revoked`, `${caep}session-established`]);
  });

  it('push: keeps the receiver’s URL, never answers its authorization header', async () => {
    const header = `Bearer receiver-secret-${crypto.randomUUID()}`;
    const stream = await create({
      delivery: {
        method: 'urn:ietf:rfc:8935',
        endpoint_url: 'http://127.0.0.1:9/events',
        authorization_header: header,
      },
    });
    expect(stream.delivery).toEqual({ method: 'urn:ietf:rfc:8935', endpoint_url: 'http://127.0.0.1:9/events' });
    const read = await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(read.text).not.toContain(header);
    expect((await service.call('GET', '/ssf/stream')).text).not.toContain(header);
  });

  it('passes a push endpoint_url through the webhook SSRF guard: private and metadata addresses refused, nothing written', async () => {
    const allowed = process.env.WEBHOOK_ALLOW_PRIVATE;
    process.env.WEBHOOK_ALLOW_PRIVATE = '0';
    try {
      for (const url of [
        'http://127.0.0.1:9/events',
        'http://169.254.169.254/latest',
        'http://[::1]/x',
        'http://10.1.2.3/',
      ]) {
        const before = service.completedWrites();
        const answer = await service.call('POST', '/ssf/stream', {
          json: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: url } },
        });
        expectSsfError(answer, 400, 'invalid_request');
        expect(answer.body.description).toContain('delivery.endpoint_url');
        expect(service.completedWrites()).toBe(before);
      }
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE = allowed;
    }
  });

  it('refuses malformed input with an SSF error body, writing nothing', async () => {
    const bodies: unknown[] = [
      { stream_id: 'chosen' },
      { iss: 'https://elsewhere.example' },
      { events_requested: 'not-a-list' },
      { delivery: { method: 'urn:example:carrier-pigeon' } },
      { delivery: { method: 'urn:ietf:rfc:8935' } },
      { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'ftp://example.com/' } },
      { delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: 'https://receiver.example/poll' } },
      [],
    ];
    for (const json of bodies) {
      const before = service.completedWrites();
      expectSsfError(await service.call('POST', '/ssf/stream', { json }), 400, 'invalid_request');
      expect(service.completedWrites()).toBe(before);
    }
    const before = service.completedWrites();
    expectSsfError(await service.call('POST', '/ssf/stream', { raw: '{"description":' }), 400, 'invalid_request');
    expect(service.completedWrites()).toBe(before);
  });
});

describe('reading, updating, replacing and deleting', () => {
  it('reads one by stream_id and all of the admin’s as a list; another admin sees none of them', async () => {
    const stream = await create({ description: 'mine' });
    const one = await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(stream);
    const all = await service.call('GET', '/ssf/stream');
    expect(all.status).toBe(200);
    expect(all.body.map((s: { stream_id: string }) => s.stream_id)).toContain(stream.stream_id);
    const theirs = await service.call('GET', '/ssf/stream', { token: other });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual([]);
    expectSsfError(
      await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`, { token: other }),
      404,
      'not_found',
    );
    expectSsfError(await service.call('GET', `/ssf/stream?stream_id=${'0'.repeat(32)}`), 404, 'not_found');
    expectSsfError(await service.call('GET', '/ssf/stream?stream_id=nope'), 400, 'invalid_request');
  });

  it('PATCH changes what it names and keeps the rest; transmitter-supplied fields only as they are', async () => {
    const stream = await create({ events_requested: [`${caep}session-revoked`], description: 'before' });
    const patched = await service.call('PATCH', '/ssf/stream', {
      json: { stream_id: stream.stream_id, description: 'after', iss: stream.iss, aud: [stream.aud] },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({ ...stream, description: 'after' });
    for (const [field, value] of [
      ['iss', 'https://elsewhere.example'],
      ['aud', 'https://someone-else.example'],
      ['events_supported', [`${caep}session-revoked`]],
      ['events_delivered', supported],
      ['stream_id', 'f'.repeat(31)],
    ] as const) {
      const before = service.completedWrites();
      const answer = await service.call('PATCH', '/ssf/stream', {
        json: { stream_id: stream.stream_id, [field]: value, ...(field === 'stream_id' && { stream_id: value }) },
      });
      expectSsfError(answer, 400, 'invalid_request');
      expect(answer.body.description).toContain(field);
      expect(service.completedWrites()).toBe(before);
    }
    const unchanged = await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(unchanged.body.description).toBe('after');
  });

  it('PUT replaces the receiver-supplied fields: a missing one is deleted, no delivery is poll', async () => {
    const stream = await create({
      delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'http://127.0.0.1:9/in' },
      events_requested: [`${risc}account-purged`],
      description: 'to go',
    });
    const replaced = await service.call('PUT', '/ssf/stream', {
      json: { stream_id: stream.stream_id, events_requested: [`${caep}credential-change`] },
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toEqual({
      ...stream,
      delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: `${service.url}/ssf/poll/${stream.stream_id}` },
      events_requested: [`${caep}credential-change`],
      events_delivered: [`${caep}credential-change`],
      description: undefined,
    });
    expect('description' in replaced.body).toBe(false);
  });

  it('DELETE answers 204, then the stream is gone; another admin gets 404 and deletes nothing', async () => {
    const stream = await create();
    const before = service.completedWrites();
    expectSsfError(
      await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`, { token: other }),
      404,
      'not_found',
    );
    expect(service.completedWrites()).toBe(before);
    const deleted = await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectSsfError(await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`), 404, 'not_found');
    expectSsfError(await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`), 404, 'not_found');
  });
});

describe('status and subjects', () => {
  it('reads and sets the status with its reason; another admin gets 404', async () => {
    const stream = await create();
    const status = await service.call('GET', `/ssf/status?stream_id=${stream.stream_id}`);
    expect(status.body).toEqual({ stream_id: stream.stream_id, status: 'enabled' });
    const paused = await service.call('POST', '/ssf/status', {
      json: { stream_id: stream.stream_id, status: 'paused', reason: 'maintenance' },
    });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body).toEqual({ stream_id: stream.stream_id, status: 'paused', reason: 'maintenance' });
    expect((await service.call('GET', `/ssf/status?stream_id=${stream.stream_id}`)).body).toEqual(paused.body);
    const enabled = await service.call('POST', '/ssf/status', {
      json: { stream_id: stream.stream_id, status: 'enabled' },
    });
    expect(enabled.body).toEqual({ stream_id: stream.stream_id, status: 'enabled' });
    expectSsfError(
      await service.call('GET', `/ssf/status?stream_id=${stream.stream_id}`, { token: other }),
      404,
      'not_found',
    );
    expectSsfError(
      await service.call('POST', '/ssf/status', {
        token: other,
        json: { stream_id: stream.stream_id, status: 'disabled' },
      }),
      404,
      'not_found',
    );
    expectSsfError(
      await service.call('POST', '/ssf/status', { json: { stream_id: stream.stream_id, status: 'asleep' } }),
      400,
      'invalid_request',
    );
  });

  it('adds (200, empty) and removes (204) subjects of the three formats; refuses others', async () => {
    const stream = await create();
    for (const subject of [
      { format: 'email', email: 'ana@example.com' },
      { format: 'iss_sub', iss: 'https://idp.example.com', sub: '7' },
      { format: 'opaque', id: 'device-42' },
    ]) {
      const removed = await service.call('POST', '/ssf/subjects/remove', {
        json: { stream_id: stream.stream_id, subject },
      });
      expect(removed.status, removed.text).toBe(204);
      const added = await service.call('POST', '/ssf/subjects/add', {
        json: { stream_id: stream.stream_id, subject, verified: true },
      });
      expect(added.status, added.text).toBe(200);
      expect(added.text).toBe('');
    }
    for (const subject of [{ format: 'phone_number', phone_number: '+1' }, { format: 'email' }, 'ana@example.com']) {
      const before = service.completedWrites();
      expectSsfError(
        await service.call('POST', '/ssf/subjects/add', { json: { stream_id: stream.stream_id, subject } }),
        400,
        'invalid_request',
      );
      expect(service.completedWrites()).toBe(before);
    }
    expectSsfError(
      await service.call('POST', '/ssf/subjects/remove', {
        token: other,
        json: { stream_id: stream.stream_id, subject: { format: 'opaque', id: 'x' } },
      }),
      404,
      'not_found',
    );
  });
});

describe('who may', () => {
  it('needs eventhandling_write to manage and eventhandling_read to read: 403 as an SSF error', async () => {
    const stream = await create();
    expectSsfError(await service.call('POST', '/ssf/stream', { token: reader, json: {} }), 403, 'access_denied');
    expectSsfError(
      await service.call('POST', '/ssf/verify', { token: reader, json: { stream_id: stream.stream_id } }),
      403,
      'access_denied',
    );
    expectSsfError(await service.call('GET', '/ssf/stream', { token: writer }), 403, 'access_denied');
    expectSsfError(
      await service.call('GET', `/ssf/status?stream_id=${stream.stream_id}`, { token: writer }),
      403,
      'access_denied',
    );
  });

  it('refuses a token in the query (401), with or without the header, writing nothing', async () => {
    const before = service.completedWrites();
    const withHeader = await service.call('POST', `/ssf/stream?access_token=${service.rootToken}`, { json: {} });
    expectSsfError(withHeader, 401, 'authentication_failed');
    const without = await service.call('GET', `/ssf/stream?access_token=${service.rootToken}`, { token: null });
    expect(without.status).toBe(401);
    expect(service.completedWrites()).toBe(before);
  });
});
