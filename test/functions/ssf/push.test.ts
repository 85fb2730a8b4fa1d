// Shared Signals push delivery (RFC 8935) through the delivery ledger, with a receiver written
// here (issue 23 item 6): 202 delivers, 400 with {err, description} is a dead letter at once, a
// 5xx waits for the ledger's next attempt, a dead push is replayed like a webhook delivery, and
// verification is pushed. Every SET received is verified with jose against the JWKS.
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Service, startService } from '../../helpers/service.ts';
import { type Received, type Sink, startSink } from '../../lib/handlers/http-sink.ts';
import { type PushStream, pushDelivery, receivedSet } from './push-receiver.ts';

process.env.DELIVERY_MAX_ATTEMPTS = '3';
process.env.DELIVERY_BACKOFF_BASE_MS = '100';
process.env.DELIVERY_BACKOFF_MAX_MS = '200';
process.env.DELIVERY_RETRY_INTERVAL_MS = '100';
process.env.SSF_STREAM_CACHE_MS = '0';

const caep = 'https://schemas.openid.net/secevent/caep/event-type/';
let service: Service;
let sink: Sink;
let jwks: ReturnType<typeof createLocalJWKSet>;
/** What each path answers now. */
const answers = new Map<string, number>();
const failures = new Map<string, number>();

beforeAll(async () => {
  sink = await startSink();
  sink.answerWith((request, response) => {
    const left = failures.get(request.path) ?? 0;
    if (left > 0) {
      failures.set(request.path, left - 1);
      response.writeHead(503).end('busy');
      return;
    }
    const status = answers.get(request.path) ?? 202;
    if (status === 400) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ err: 'invalid_key', description: 'the key is not known' }));
    } else response.writeHead(status).end();
  });
  service = await startService({ dispatch: true });
  jwks = createLocalJWKSet((await service.call('GET', '/ssf/jwks.json', { token: null })).body);
});
afterAll(async () => {
  await service?.close();
  await sink?.close();
});

type Stream = PushStream;

async function pushStream(path: string, authorization?: string): Promise<Stream> {
  const answer = await service.call('POST', '/ssf/stream', {
    json: {
      delivery: {
        method: 'urn:ietf:rfc:8935',
        endpoint_url: sink.url(path),
        ...(authorization && { authorization_header: authorization }),
      },
    },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body;
}

async function ingest(pk: number, email: string) {
  const answer = await service.call('POST', '/events/events/', {
    json: { action: 'logout', app: 'authentik.events.signals', user: { pk, username: `u${pk}`, email } },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; created: string };
}

const at = (path: string) => sink.received.filter((request) => request.path === path);

const verified = (stream: Stream, request: Received) => receivedSet(jwks, stream, request);

/** The ledger's entry `<event>.0.push_<stream>`. */
const delivery = (id: string) => {
  const [event, , action] = id.split('.');
  return pushDelivery(service, event as string, (action as string).slice('push_'.length));
};

describe('push', () => {
  it('POSTs each SET with the stream’s authorization header; 202 is delivered, in the ledger', async () => {
    const stream = await pushStream('/ok', 'Bearer receiver-token');
    const event = await ingest(21, 'push@example.com');
    const [request] = await eventually(async () => at('/ok').length > 0 && at('/ok'));
    expect(request?.headers.authorization).toBe('Bearer receiver-token');
    const payload = await verified(stream, request as Received);
    expect(payload.txn).toBe(event.pk);
    expect(payload.sub_id).toEqual({ format: 'email', email: 'push@example.com' });
    expect(Object.keys(payload.events)).toEqual([`${caep}session-revoked`]);
    const id = `${event.pk}.0.push_${stream.stream_id}`;
    const entry = await eventually(async () => {
      const found = await delivery(id);
      return found?.status === 'succeeded' && found;
    });
    expect(entry).toMatchObject({ handlermodule: 'SharedSignals', binding: 0, attempt: 1, notes: ['HTTP 202'] });
    // binding=0 lists the pushes (no binding makes them), and only them.
    const pushes = await service.call('GET', '/event/deliveries?binding=0&limit=1000');
    expect(pushes.status, pushes.text).toBe(200);
    const listed = pushes.body.result.value as { id: string; binding: number; handlermodule: string }[];
    expect(listed.map((found) => found.id)).toContain(id);
    expect(listed.every((found) => found.binding === 0 && found.handlermodule === 'SharedSignals')).toBe(true);
  });

  it('a 400 with {err, description} is a dead letter at once; replayed, it is delivered', async () => {
    answers.set('/bad', 400);
    const stream = await pushStream('/bad');
    const event = await ingest(22, 'dead@example.com');
    const id = `${event.pk}.0.push_${stream.stream_id}`;
    const dead = await eventually(async () => {
      const found = await delivery(id);
      return found?.status === 'dead' && found;
    });
    expect(dead).toMatchObject({ attempt: 1, last_error: 'HTTP 400 invalid_key: the key is not known' });
    answers.set('/bad', 202);
    const replay = await service.call('POST', `/event/deliveries/${id}/replay`);
    expect(replay.status, replay.text).toBe(200);
    const done = await eventually(async () => {
      const found = await delivery(id);
      return found?.status === 'succeeded' && found;
    });
    expect(done.attempt).toBe(2);
    const last = at('/bad').at(-1) as Received;
    expect((await verified(stream, last)).txn).toBe(event.pk);
    expect(new Set(at('/bad').map((request) => request.body)).size).toBe(1);
  });

  it('a 5xx waits for the ledger’s next attempt, then is delivered; the same SET each time', async () => {
    failures.set('/flaky', 1);
    const stream = await pushStream('/flaky');
    const event = await ingest(23, 'flaky@example.com');
    const id = `${event.pk}.0.push_${stream.stream_id}`;
    const done = await eventually(async () => {
      const found = await delivery(id);
      return found?.status === 'succeeded' && found;
    });
    expect(done.attempt).toBe(2);
    expect(at('/flaky')).toHaveLength(2);
    expect(at('/flaky')[0]?.body).toBe(at('/flaky')[1]?.body);
  });

  it('a destination the SSRF guard refuses at send time is a dead letter at once', async () => {
    const stream = await pushStream('/guarded');
    const allowed = process.env.WEBHOOK_ALLOW_PRIVATE;
    process.env.WEBHOOK_ALLOW_PRIVATE = '0';
    try {
      const event = await ingest(24, 'guarded@example.com');
      const id = `${event.pk}.0.push_${stream.stream_id}`;
      const dead = await eventually(async () => {
        const found = await delivery(id);
        return found?.status === 'dead' && found;
      });
      expect(dead.attempt).toBe(1);
      expect(dead.last_error).toMatch(/refused/);
      expect(at('/guarded')).toHaveLength(0);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE = allowed;
    }
  });

  it('pushes the verification SET with its state', async () => {
    const stream = await pushStream('/verify');
    const answer = await service.call('POST', '/ssf/verify', {
      json: { stream_id: stream.stream_id, state: 'pushed' },
    });
    expect(answer.status, answer.text).toBe(204);
    const [request] = await eventually(async () => at('/verify').length > 0 && at('/verify'));
    const payload = await verified(stream, request as Received);
    expect(payload.sub_id).toEqual({ format: 'opaque', id: stream.stream_id });
    expect(payload.events).toEqual({
      'https://schemas.openid.net/secevent/ssf/event-type/verification': { state: 'pushed' },
    });
  });
});
