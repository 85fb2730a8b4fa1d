// Shared Signals poll delivery through real HTTP and the real stream dispatcher (issue 23 items
// 4, 5, 6): a receiver written here verifies every SET with jose against the JWKS and checks each
// claim; verification, acknowledgement, paused then enabled (order kept), disabled, a removed
// subject, a second admin, long polling.
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Service, startService } from '../../helpers/service.ts';

const caep = 'https://schemas.openid.net/secevent/caep/event-type/';
const risc = 'https://schemas.openid.net/secevent/risc/event-type/';
const verification = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

let service: Service;
let other: string;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  // A status change reaches the dispatcher's fan-out at once.
  process.env.SSF_STREAM_CACHE_MS = '0';
  service = await startService({ dispatch: true });
  other = await service.admin('other-receiver', ['eventhandling_read', 'eventhandling_write']);
  jwks = createLocalJWKSet((await service.call('GET', '/ssf/jwks.json', { token: null })).body);
});
afterAll(() => service?.close());

interface Stream {
  stream_id: string;
  iss: string;
  aud: string;
  delivery: { endpoint_url: string };
}

const createStream = async (json: unknown = {}): Promise<Stream> => {
  const answer = await service.call('POST', '/ssf/stream', { json });
  expect(answer.status, answer.text).toBe(201);
  return answer.body;
};

const pollPath = (stream: Stream) => new URL(stream.delivery.endpoint_url).pathname;

/** The receiver: every SET verified against the JWKS, its header and common claims checked. */
async function received(stream: Stream, sets: Record<string, string>): Promise<(JWTPayload & Record<string, any>)[]> {
  const payloads = [];
  for (const [jti, set] of Object.entries(sets)) {
    expect(decodeProtectedHeader(set)).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'secevent+jwt' });
    const { payload } = await jwtVerify(set, jwks, {
      issuer: stream.iss,
      audience: stream.aud,
      typ: 'secevent+jwt',
      algorithms: ['RS256'],
    });
    expect(payload.jti).toBe(jti);
    expect(typeof payload.iat).toBe('number');
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('exp');
    expect(Object.keys(payload.events as object)).toHaveLength(1);
    payloads.push(payload as JWTPayload & Record<string, any>);
  }
  return payloads;
}

async function poll(stream: Stream, json: Record<string, unknown> = {}, token?: string) {
  const answer = await service.call('POST', pollPath(stream), { json: { returnImmediately: true, ...json }, token });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { sets: Record<string, string>; moreAvailable: boolean };
}

/** Polls (acknowledging nothing) until `count` SETs are queued; their payloads, oldest first. */
async function queued(stream: Stream, count: number) {
  const found = await eventually(async () => {
    const answer = await poll(stream, { maxEvents: 100 });
    return Object.keys(answer.sets).length >= count && answer;
  });
  expect(Object.keys(found.sets)).toHaveLength(count);
  return { jtis: Object.keys(found.sets), payloads: await received(stream, found.sets) };
}

async function ingest(json: Record<string, unknown>): Promise<{ pk: string; created: string }> {
  const answer = await service.call('POST', '/events/events/', { json: { app: 'authentik.events.signals', ...json } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const typeOf = (payload: Record<string, any>) => Object.keys(payload.events)[0];

describe('verification', () => {
  it('queues a verification SET on request (204): the stream as an opaque subject, the state echoed', async () => {
    const stream = await createStream();
    const answer = await service.call('POST', '/ssf/verify', { json: { stream_id: stream.stream_id, state: 'st-1' } });
    expect(answer.status, answer.text).toBe(204);
    const { jtis, payloads } = await queued(stream, 1);
    expect(payloads[0]).toEqual({
      iss: service.url,
      aud: stream.aud,
      jti: jtis[0],
      iat: expect.any(Number),
      sub_id: { format: 'opaque', id: stream.stream_id },
      events: { [verification]: { state: 'st-1' } },
    });
    expect((await poll(stream, { ack: jtis })).sets).toEqual({});
  });

  it('is the admin’s own: another admin gets 404 for verify and poll', async () => {
    const stream = await createStream();
    const verify = await service.call('POST', '/ssf/verify', { token: other, json: { stream_id: stream.stream_id } });
    expect(verify.status).toBe(404);
    expect(verify.body).toEqual({ err: 'not_found', description: expect.any(String) });
    const answer = await service.call('POST', pollPath(stream), { token: other, json: { returnImmediately: true } });
    expect(answer.status).toBe(404);
  });
});

describe('events as SETs', () => {
  it('sends each mapped event once per stream, claims as mapped, txn the hub event; unacknowledged ones come back', async () => {
    const stream = await createStream();
    const logins = await createStream({ events_requested: [`${caep}session-established`] });
    const logout = await ingest({ action: 'logout', user: { pk: 7, username: 'ana', email: 'ana@example.com' } });
    const password = await ingest({ action: 'password_set', user: { pk: 8, username: 'bob' } });
    const disabled = await ingest({
      action: 'model_updated',
      user: { pk: 1, username: 'akadmin', email: 'admin@example.com' },
      context: {
        model: { app: 'authentik_core', model_name: 'user', pk: 42, name: 'carol' },
        diff: { is_active: { previous_value: true, new_value: false } },
      },
    });
    const login = await ingest({ action: 'login', user: { pk: 7, username: 'ana', email: 'ana@example.com' } });
    await ingest({ action: 'login_failed', user: { pk: 7, username: 'ana', email: 'ana@example.com' } });

    const { jtis, payloads } = await queued(stream, 3);
    expect(payloads.map((payload) => payload.txn)).toEqual([logout.pk, password.pk, disabled.pk]);
    expect(payloads[0]?.sub_id).toEqual({ format: 'email', email: 'ana@example.com' });
    expect(payloads[0]?.events).toEqual({
      [`${caep}session-revoked`]: {
        event_timestamp: seconds(logout.created),
        initiating_entity: 'user',
        reason_admin: { en: 'The user logged out' },
      },
    });
    expect(payloads[1]?.sub_id).toEqual({ format: 'iss_sub', iss: service.url, sub: '8' });
    expect(payloads[1]?.events[`${caep}credential-change`]).toMatchObject({
      credential_type: 'password',
      change_type: 'update',
      event_timestamp: seconds(password.created),
    });
    expect(payloads[2]?.sub_id).toEqual({ format: 'iss_sub', iss: service.url, sub: '42' });
    expect(typeOf(payloads[2] as Record<string, any>)).toBe(`${risc}account-disabled`);
    expect(new Set(jtis).size).toBe(3);

    const onlyLogins = await queued(logins, 1);
    expect(onlyLogins.payloads[0]?.txn).toBe(login.pk);
    expect(typeOf(onlyLogins.payloads[0] as Record<string, any>)).toBe(`${caep}session-established`);

    // Not acknowledged: the same SETs again; maxEvents pages them.
    const first = await poll(stream, { maxEvents: 1 });
    expect(Object.keys(first.sets)).toEqual([jtis[0]]);
    expect(first.moreAvailable).toBe(true);
    // Acknowledged (ack or setErrs): never again.
    const next = await poll(stream, {
      ack: [jtis[0]],
      setErrs: { [jtis[1] as string]: { err: 'invalid_request', description: 'cannot process' } },
      maxEvents: 5,
    });
    expect(Object.keys(next.sets)).toEqual([jtis[2]]);
    expect(next.moreAvailable).toBe(false);
    expect((await poll(stream, { ack: [jtis[2]] })).sets).toEqual({});
  });

  it('holds events while paused and gives them in order once enabled; drops them while disabled', async () => {
    const held = await createStream();
    const dropped = await createStream();
    const marker = await createStream();
    for (const [stream, status] of [
      [held, 'paused'],
      [dropped, 'disabled'],
    ] as const) {
      const answer = await service.call('POST', '/ssf/status', { json: { stream_id: stream.stream_id, status } });
      expect(answer.status, answer.text).toBe(200);
    }
    const events = [];
    for (const pk of [11, 12, 13]) events.push(await ingest({ action: 'logout', user: { pk, username: `u${pk}` } }));
    // The marker stream has all three once the dispatcher has passed them: the others had their chance.
    await queued(marker, 3);
    expect((await poll(held)).sets).toEqual({});
    expect((await poll(dropped)).sets).toEqual({});
    for (const stream of [held, dropped]) {
      await service.call('POST', '/ssf/status', { json: { stream_id: stream.stream_id, status: 'enabled' } });
    }
    const { payloads } = await queued(held, 3);
    expect(payloads.map((payload) => payload.txn)).toEqual(events.map((event) => event.pk));
    expect((await poll(dropped)).sets).toEqual({});
  });

  it('sends nothing about a removed subject, by any of its identifiers, until it is added again', async () => {
    const stream = await createStream();
    const marker = await createStream();
    for (const subject of [
      { format: 'email', email: 'gone@example.com' },
      { format: 'iss_sub', iss: service.url, sub: '77' },
    ]) {
      const answer = await service.call('POST', '/ssf/subjects/remove', {
        json: { stream_id: stream.stream_id, subject },
      });
      expect(answer.status, answer.text).toBe(204);
    }
    await ingest({ action: 'logout', user: { pk: 5, username: 'gone', email: 'gone@example.com' } });
    await ingest({ action: 'logout', user: { pk: 77, username: 'gone-too' } });
    const kept = await ingest({ action: 'logout', user: { pk: 6, username: 'kept', email: 'kept@example.com' } });
    await queued(marker, 3);
    const { payloads } = await queued(stream, 1);
    expect(payloads[0]?.txn).toBe(kept.pk);
    await service.call('POST', '/ssf/subjects/add', {
      json: { stream_id: stream.stream_id, subject: { format: 'email', email: 'gone@example.com' } },
    });
    const back = await ingest({ action: 'logout', user: { pk: 5, username: 'gone', email: 'gone@example.com' } });
    const again = await queued(stream, 2);
    expect(again.payloads.map((payload) => payload.txn)).toEqual([kept.pk, back.pk]);
  });

  it('waits for a SET on a long poll (returnImmediately false) and answers it when it comes', async () => {
    const stream = await createStream();
    const waiting = service.call('POST', pollPath(stream), { json: { returnImmediately: false } });
    const event = await ingest({ action: 'logout', user: { pk: 99, username: 'late', email: 'late@example.com' } });
    const answer = await waiting;
    expect(answer.status, answer.text).toBe(200);
    // Answered when the SET came; only a fan-out slower than the poll's limit leaves it for the next poll.
    const sets = Object.keys(answer.body.sets).length > 0 ? answer.body.sets : (await poll(stream)).sets;
    const payloads = await received(stream, sets);
    expect(payloads.map((payload) => payload.txn)).toEqual([event.pk]);
  });

  it('refuses a malformed poll with an SSF error body, acknowledging nothing', async () => {
    const stream = await createStream();
    await service.call('POST', '/ssf/verify', { json: { stream_id: stream.stream_id } });
    const { jtis } = await queued(stream, 1);
    // The table's digest would also see the dispatcher still signalling earlier events to other streams.
    for (const json of [
      { maxEvents: -1, ack: jtis },
      { maxEvents: 'ten', ack: jtis },
      { ack: 'x' },
      { returnImmediately: 'yes', ack: jtis },
      { extra: 1, ack: jtis },
    ]) {
      const answer = await service.call('POST', pollPath(stream), { json });
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toEqual({ err: 'invalid_request', description: expect.any(String) });
    }
    expect(Object.keys((await poll(stream)).sets)).toEqual(jtis);
    expect((await service.call('POST', '/ssf/poll/nope', { json: {} })).status).toBe(400);
    expect((await service.call('POST', `/ssf/poll/${'0'.repeat(32)}`, { json: {} })).status).toBe(404);
  });
});
