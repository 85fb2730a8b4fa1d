// A paused Shared Signals push stream (issue 23 item 3): its SETs are held (in the ledger as
// `held`: not attempted, never due), released in the order they were made on enable, before any
// SET made after it; a 5xx during the release stops it there; disabled or deleted, the held SETs
// are dropped; a pause longer than the ledger's schedule loses nothing; a verification requested
// while paused is held too (SSF 1.0 §8.1.2.1 makes no exception). A receiver written here
// verifies every SET with jose against the JWKS.
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

let service: Service;
let sink: Sink;
let jwks: ReturnType<typeof createLocalJWKSet>;
const failures = new Map<string, number>();

beforeAll(async () => {
  sink = await startSink();
  sink.answerWith((request, response) => {
    const left = failures.get(request.path) ?? 0;
    if (left > 0) {
      failures.set(request.path, left - 1);
      response.writeHead(503).end('busy');
    } else response.writeHead(202).end();
  });
  service = await startService({ dispatch: true });
  jwks = createLocalJWKSet((await service.call('GET', '/ssf/jwks.json', { token: null })).body);
});
afterAll(async () => {
  await service?.close();
  await sink?.close();
});

type Stream = PushStream;

async function pausedStream(path: string): Promise<Stream> {
  const answer = await service.call('POST', '/ssf/stream', {
    json: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: sink.url(path) } },
  });
  expect(answer.status, answer.text).toBe(201);
  await status(answer.body.stream_id, 'paused');
  return answer.body;
}

async function status(streamId: string, value: 'enabled' | 'paused' | 'disabled') {
  const answer = await service.call('POST', '/ssf/status', { json: { stream_id: streamId, status: value } });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.status).toBe(value);
}

let user = 100;
async function ingest(action: 'logout' | 'password_set'): Promise<string> {
  user++;
  const answer = await service.call('POST', '/events/events/', {
    json: {
      action,
      app: 'authentik.events.signals',
      user: { pk: user, username: `u${user}`, email: `u${user}@example.com` },
    },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body.pk as string;
}

const at = (path: string) => sink.received.filter((request) => request.path === path);

async function txnOf(stream: Stream, request: Received): Promise<string> {
  return (await receivedSet(jwks, stream, request)).txn as string;
}

const delivery = (event: string, stream: Stream) => pushDelivery(service, event, stream.stream_id);

/** Waits until every event's delivery is `status`, and answers them. */
function allOf(events: string[], stream: Stream, wanted: string) {
  return eventually(async () => {
    const found = await Promise.all(events.map((event) => delivery(event, stream)));
    return found.every((entry) => entry?.status === wanted) && found;
  });
}

describe('a paused push stream', () => {
  it('holds its SETs, then on enable pushes them in event order before a SET made after the enable', async () => {
    const stream = await pausedStream('/order');
    const events = [await ingest('logout'), await ingest('password_set'), await ingest('logout')];
    const held = await allOf(events, stream, 'held');
    for (const entry of held) expect(entry).toMatchObject({ attempt: 0, next_attempt: null, last_error: null });
    expect(at('/order')).toHaveLength(0);

    await status(stream.stream_id, 'enabled');
    events.push(await ingest('logout'));
    await allOf(events, stream, 'succeeded');
    const txns = await Promise.all(at('/order').map((request) => txnOf(stream, request)));
    expect(txns).toEqual(events);
    for (const event of events) expect((await delivery(event, stream)).attempt).toBe(1);
  });

  it('a 5xx during the release stops it there: the rest stay held and follow in order', async () => {
    const stream = await pausedStream('/flaky');
    const events = [await ingest('logout'), await ingest('password_set'), await ingest('logout')];
    await allOf(events, stream, 'held');
    failures.set('/flaky', 2);
    await status(stream.stream_id, 'enabled');
    await eventually(async () => (await delivery(events[0] as string, stream))?.status === 'failed');
    expect((await delivery(events[1] as string, stream)).status).toBe('held');
    await allOf(events, stream, 'succeeded');
    const txns = await Promise.all(at('/flaky').map((request) => txnOf(stream, request)));
    expect(txns).toEqual([events[0], events[0], ...events]);
    expect((await delivery(events[0] as string, stream)).attempt).toBe(3);
  });

  it('disabled while SETs are held drops them; enabled again, they do not come back', async () => {
    const stream = await pausedStream('/disabled');
    const events = [await ingest('logout'), await ingest('logout')];
    await allOf(events, stream, 'held');
    await status(stream.stream_id, 'disabled');
    const dropped = await allOf(events, stream, 'dead');
    for (const entry of dropped) expect(entry.last_error).toMatch(/disabled/);
    await status(stream.stream_id, 'enabled');
    const after = await ingest('logout');
    await allOf([after], stream, 'succeeded');
    const txns = await Promise.all(at('/disabled').map((request) => txnOf(stream, request)));
    expect(txns).toEqual([after]);
  });

  it('deleted while paused drops its held SETs', async () => {
    const stream = await pausedStream('/deleted');
    const events = [await ingest('logout'), await ingest('logout')];
    await allOf(events, stream, 'held');
    const answer = await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(answer.status, answer.text).toBe(204);
    const dropped = await allOf(events, stream, 'dead');
    for (const entry of dropped) expect(entry.last_error).toMatch(/no longer exists|deleted/);
    expect(at('/deleted')).toHaveLength(0);
  });

  it('a pause longer than the ledger’s schedule loses nothing; a held delivery is not replayed out of turn', async () => {
    const stream = await pausedStream('/long');
    const event = await ingest('logout');
    await allOf([event], stream, 'held');
    // The retry runner, with its clock six days on (past every attempt, inside the SETs' 7 days).
    const { dispatchDeps, postRunnerDeps } = await import('../../../functions/deps.ts');
    const { logger } = await import('../../../functions/logger.ts');
    const { runDueDeliveries } = await import('../../../lib/dispatch/retry.ts');
    const later = dispatchDeps(postRunnerDeps(), logger);
    for (const days of [1, 3, 6]) {
      await runDueDeliveries({ ...later, now: () => new Date(Date.now() + days * 86_400_000) });
    }
    expect(await delivery(event, stream)).toMatchObject({ status: 'held', attempt: 0 });
    const replay = await service.call('POST', `/event/deliveries/${event}.0.push_${stream.stream_id}/replay`);
    expect(replay.status, replay.text).toBe(400);
    expect(replay.text).toMatch(/held/);
    expect(at('/long')).toHaveLength(0);

    await status(stream.stream_id, 'enabled');
    const [done] = await allOf([event], stream, 'succeeded');
    expect(done?.attempt).toBe(1);
    expect(await txnOf(stream, at('/long')[0] as Received)).toBe(event);
  });

  it('drops a SET held past its 7 days as expired on enable, and pushes one made after it', async () => {
    const stream = await pausedStream('/expired');
    const events = [await ingest('logout'), await ingest('password_set')];
    await allOf(events, stream, 'held');
    // Seven days pass: the held entries and the SETs kept for them reach their ttl.
    const { documents, queryAll } = await import('../../../lib/store/client.ts');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const kept = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SSFSTREAM#${stream.stream_id}` },
    });
    const aged = kept.filter((item) => /^(HELD|PUSH)#/.test(item.sk as string));
    expect(aged).toHaveLength(4);
    for (const item of aged) {
      await documents.send(
        new UpdateCommand({
          TableName: service.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #ttl = :past',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
        }),
      );
    }
    await status(stream.stream_id, 'enabled');
    const dropped = await allOf(events, stream, 'dead');
    for (const entry of dropped) expect(entry.last_error).toMatch(/expired/);
    const after = await ingest('logout');
    await allOf([after], stream, 'succeeded');
    expect(await Promise.all(at('/expired').map((request) => txnOf(stream, request)))).toEqual([after]);
  });

  it('holds a verification requested while paused and pushes it on enable', async () => {
    const stream = await pausedStream('/verify');
    const answer = await service.call('POST', '/ssf/verify', { json: { stream_id: stream.stream_id, state: 'held' } });
    expect(answer.status, answer.text).toBe(204);
    const held = await eventually(async () => {
      const list = await service.call('GET', '/event/deliveries?status=held');
      const found = (list.body.result.value as { action: string }[]).filter(
        (entry) => entry.action === `push_${stream.stream_id}`,
      );
      return found.length === 1 && found;
    });
    expect(held[0]).toMatchObject({ status: 'held', attempt: 0 });
    expect(at('/verify')).toHaveLength(0);
    await status(stream.stream_id, 'enabled');
    const [request] = await eventually(async () => at('/verify').length > 0 && at('/verify'));
    const payload = await receivedSet(jwks, stream, request as Received);
    expect(payload.sub_id).toEqual({ format: 'opaque', id: stream.stream_id });
    expect(payload.events).toEqual({
      'https://schemas.openid.net/secevent/ssf/event-type/verification': { state: 'held' },
    });
  });
});
