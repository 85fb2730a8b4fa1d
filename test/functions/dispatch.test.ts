// post dispatch end to end: real HTTP ingest, DynamoDB Local's stream read by the local poller,
// the dispatcher handler, and a real HTTP sink on loopback. Backoff is shrunk via the environment.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineClient } from '../../infra/local/engine.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

process.env.DELIVERY_MAX_ATTEMPTS = '3';
process.env.DELIVERY_BACKOFF_BASE_MS = '100';
process.env.DELIVERY_BACKOFF_MAX_MS = '200';
process.env.DELIVERY_RETRY_INTERVAL_MS = '100';
process.env.STREAM_MAX_RETRIES = '2';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on loopback: records every request; paths in `failing` answer 500. */
function startSink() {
  const received: Received[] = [];
  const failing = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(failing.has(path) ? 500 : 204);
      response.end(failing.has(path) ? 'sink is down' : '');
    });
  });
  return new Promise<{ url: string; received: Received[]; failing: Set<string>; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        failing,
        close: () => new Promise((done) => server.close(() => done())),
      });
    }),
  );
}

let service: Service;
let sink: Awaited<ReturnType<typeof startSink>>;
beforeAll(async () => {
  sink = await startSink();
  service = await startService({ dispatch: true });
});
afterAll(async () => {
  await service?.close();
  await sink?.close();
});

const at = (path: string) => sink.received.filter((request) => request.path === path);

async function bind(params: Record<string, unknown>): Promise<number> {
  const answer = await service.call('POST', '/event', {
    json: { handlermodule: 'WebHook', action: 'post_webhook', 'option.content_type': 'application/json', ...params },
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value;
}

const webhookTo = (path: string, params: Record<string, unknown> = {}) => ({
  name: `hook ${path}`,
  'option.URL': `${sink.url}${path}`,
  ...params,
});

async function ingest(event: Record<string, unknown>) {
  const answer = await service.call('POST', '/events/events/', { json: { app: 'tests', ...event } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; action: string };
}

async function deliveries(query: string) {
  const answer = await service.call('GET', `/event/deliveries?${query}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value as any[];
}

describe('post webhook', () => {
  it('delivers a stored event, signed with Standard Webhooks headers', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const id = await bind({ ...webhookTo('/signed'), event: 'custom_signed', 'option.secret': secret });
    const event = await ingest({ action: 'custom_signed', user: { username: 'alice' } });
    const [request] = await eventually(async () => at('/signed').length > 0 && at('/signed'));
    const deliveryId = `${event.pk}.${id}.post_webhook`;
    expect(request?.headers['webhook-id']).toBe(deliveryId);
    expect(
      new Webhook(secret).verify(request?.body as string, request?.headers as Record<string, string>),
    ).toMatchObject({
      pk: event.pk,
      action: 'custom_signed',
    });
    const [delivery] = await eventually(async () => {
      const found = await deliveries(`event=${event.pk}&binding=${id}`);
      return found[0]?.status === 'succeeded' && found;
    });
    expect(delivery).toMatchObject({ id: deliveryId, binding: id, status: 'succeeded', attempt: 1, position: 'post' });
    expect(delivery.notes).toContain('HTTP 204');
  });

  it('runs custom_ bindings for every custom action', async () => {
    await bind({ ...webhookTo('/any-custom'), event: 'custom_' });
    const event = await ingest({ action: 'custom_whatever' });
    await eventually(async () => at('/any-custom').some((request) => JSON.parse(request.body).pk === event.pk));
  });

  it('keeps a disabled binding silent', async () => {
    await bind({ ...webhookTo('/disabled'), event: 'custom_quiet', active: false, ordering: 0 });
    await bind({ ...webhookTo('/enabled'), event: 'custom_quiet', ordering: 5 });
    const event = await ingest({ action: 'custom_quiet' });
    // Bindings run in ordering order: once the later one has run, the earlier had its turn.
    await eventually(async () => at('/enabled').some((request) => JSON.parse(request.body).pk === event.pk));
    expect(at('/disabled')).toEqual([]);
  });
});

describe('conditions', () => {
  it('each condition gates dispatch: the event that fails it sends nothing, the one that meets it is sent', async () => {
    const policy = await service.call('POST', '/policies/event_matcher/', {
      json: { name: `documentation net ${randomUUID()}`, client_ip: '192.0.2.0/24', execution_logging: true },
    });
    expect(policy.status, policy.text).toBe(201);
    const counter = `hits_${randomUUID().slice(0, 8)}`;
    const cases: { condition: string; value: string; miss: Record<string, unknown>; hit: Record<string, unknown> }[] = [
      {
        condition: 'client_ip',
        value: '10.0.0.0/8,!10.9.0.0/16',
        miss: { client_ip: '10.9.1.1' },
        hit: { client_ip: '10.1.2.3' },
      },
      { condition: 'app', value: 'app-a,app-c', miss: { app: 'app-b' }, hit: { app: 'app-a' } },
      {
        condition: 'model',
        value: 'shop.order',
        miss: { context: { model: { app: 'shop', model_name: 'cart' } } },
        hit: { context: { model: { app: 'shop', model_name: 'order' } } },
      },
      {
        condition: 'username',
        value: 'ad.*',
        miss: { user: { username: 'bob' } },
        hit: { user: { username: 'admin' } },
      },
      { condition: 'brand', value: 'acme', miss: { brand: { name: 'other' } }, hit: { brand: { name: 'acme' } } },
      {
        condition: 'context',
        value: 'order.amount > 100',
        miss: { context: { order: { amount: 50 } } },
        hit: { context: { order: { amount: 150 } } },
      },
      {
        condition: 'matcher_policy',
        value: policy.body.pk,
        miss: { client_ip: '198.51.100.1' },
        hit: { client_ip: '192.0.2.7' },
      },
      { condition: 'counter', value: `${counter} >= 2`, miss: {}, hit: {} },
    ];
    for (const { condition, value } of cases) {
      const action = `custom_cond_${condition}`;
      if (condition === 'counter') {
        const counting = await service.call('POST', '/event', {
          json: {
            name: 'count first',
            event: action,
            handlermodule: 'Counter',
            action: 'increase_counter',
            'option.counter_name': counter,
            ordering: 0,
          },
        });
        expect(counting.status, counting.text).toBe(200);
      }
      await bind({
        ...webhookTo(`/cond/${condition}`),
        event: action,
        ordering: 1,
        conditions: { [condition]: value },
      });
    }
    const sent = new Map<string, { miss: string; hit: string }>();
    for (const { condition, miss, hit } of cases) {
      const action = `custom_cond_${condition}`;
      const missed = await ingest({ action, ...miss });
      const met = await ingest({ action, ...hit });
      sent.set(condition, { miss: missed.pk, hit: met.pk });
    }
    for (const { condition } of cases) {
      const { miss, hit } = sent.get(condition) as { miss: string; hit: string };
      const pks = () => at(`/cond/${condition}`).map((request) => JSON.parse(request.body).pk);
      // The stream keeps the order of one partition's writes: when the second arrived, the first was decided.
      await eventually(async () => pks().includes(hit)).catch(() => {
        throw new Error(`${condition}: the event meeting the condition was not sent`);
      });
      expect(pks(), condition).not.toContain(miss);
    }
    // execution_logging: each evaluation is recorded, with its cause.
    const { miss, hit } = sent.get('matcher_policy') as { miss: string; hit: string };
    const logged = await eventually(async () => {
      const answer = await service.call('GET', '/events/events/?action=policy_execution&page_size=100');
      const found = (answer.body.results as any[]).filter((event) => event.context.policy_uuid === policy.body.pk);
      return found.length >= 2 && found;
    });
    expect(logged.map((event) => [event.context.event_uuid, event.context.result]).sort()).toEqual(
      [
        [miss, false],
        [hit, true],
      ].sort(),
    );
    for (const event of logged) {
      expect(event.app).toBe('idp_event_hub');
      expect(event.context.cause).toMatchObject({ event: event.context.event_uuid, depth: 1 });
    }
  });
});

describe('delivery ledger', () => {
  it('retries a failing webhook, lets it go dead, and a replay delivers once the sink recovers', async () => {
    sink.failing.add('/flaky');
    const id = await bind({ ...webhookTo('/flaky'), event: 'custom_flaky' });
    const event = await ingest({ action: 'custom_flaky' });
    const deliveryId = `${event.pk}.${id}.post_webhook`;
    const [dead] = await eventually(async () => {
      const found = await deliveries(`event=${event.pk}&binding=${id}`);
      return found[0]?.status === 'dead' && found;
    });
    expect(dead).toMatchObject({ id: deliveryId, attempt: 3, max_attempts: 3, next_attempt: null });
    expect(dead.last_error).toContain('HTTP 500');
    expect(at('/flaky').map((request) => request.headers['webhook-id'])).toEqual([deliveryId, deliveryId, deliveryId]);
    expect((await deliveries(`status=dead&binding=${id}`)).map((delivery) => delivery.id)).toEqual([deliveryId]);

    sink.failing.delete('/flaky');
    const replay = await service.call('POST', `/event/deliveries/${deliveryId}/replay`);
    expect(replay.status, replay.text).toBe(200);
    expect(replay.body.result.value).toMatchObject({ id: deliveryId, status: 'pending' });
    const [done] = await eventually(async () => {
      const found = await deliveries(`event=${event.pk}&binding=${id}`);
      return found[0]?.status === 'succeeded' && found;
    });
    expect(done).toMatchObject({ attempt: 4, last_error: null });
    expect(at('/flaky')).toHaveLength(4);
    expect(at('/flaky')[3]?.headers['webhook-id']).toBe(deliveryId);
  });

  it('sends nothing twice when the stream delivers a batch again', async () => {
    const id = await bind({ ...webhookTo('/once'), event: 'custom_once' });
    const event = await ingest({ action: 'custom_once' });
    const deliveryId = `${event.pk}.${id}.post_webhook`;
    await eventually(async () => (await deliveries(`event=${event.pk}&binding=${id}`))[0]?.status === 'succeeded');
    const record = await streamRecordOf(event.pk);
    const { handler } = await import('../../functions/dispatcher.ts');
    expect(await handler({ Records: [record, record] })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect(at('/once').filter((request) => request.headers['webhook-id'] === deliveryId)).toHaveLength(1);
    expect(await deliveries(`event=${event.pk}&binding=${id}`)).toHaveLength(1);
  });

  it('answers a partial batch response: the failing record and the ones behind it, which it does not start', async () => {
    await bind({ ...webhookTo('/behind'), event: 'custom_behind' });
    const event = await ingest({ action: 'custom_behind' });
    await eventually(async () => at('/behind').length === 1);
    const record = await streamRecordOf(event.pk);
    const { eventOfImage } = await import('../../lib/store/event-stream.ts');
    const { encodeBody } = await import('../../lib/store/codec.ts');
    // An event only this test hands the dispatcher (the poller never sees it), and an unreadable one.
    const unseen = {
      ...eventOfImage(record.dynamodb?.NewImage),
      pk: `${event.pk.slice(0, -12)}${randomBytes(6).toString('hex')}`,
    };
    const sequence = record.dynamodb?.SequenceNumber as string;
    const recordAt = (suffix: string, image: unknown): DynamoDBRecord => ({
      ...record,
      dynamodb: { ...record.dynamodb, SequenceNumber: `${sequence}${suffix}`, NewImage: image as never },
    });
    const poison = recordAt('1', { ...record.dynamodb?.NewImage, b: { B: randomBytes(8).toString('base64') } });
    const behind = recordAt('2', {
      ...record.dynamodb?.NewImage,
      b: { B: Buffer.from(encodeBody(unseen)).toString('base64') },
    });
    const { handler } = await import('../../functions/dispatcher.ts');
    expect(await handler({ Records: [record, poison, behind] })).toEqual({
      batchItemFailures: [{ itemIdentifier: `${sequence}1` }, { itemIdentifier: `${sequence}2` }],
    });
    const unseenRuns = () => at('/behind').filter((request) => JSON.parse(request.body).pk === unseen.pk);
    expect(unseenRuns()).toHaveLength(0);
    // The retry from the failed record on: the record behind it runs then.
    expect(await handler({ Records: [behind] })).toEqual({ batchItemFailures: [] });
    expect(unseenRuns()).toHaveLength(1);
  });

  it('sets a poison record aside without stopping the events behind it', async () => {
    const engine = engineClient(process.env.DYNAMODB_ENDPOINT as string);
    const poisonKey = `E#poison-${randomUUID()}`;
    await engine.send(
      new PutItemCommand({
        TableName: service.tableName,
        Item: { pk: { S: 'EV#3' }, sk: { S: poisonKey }, b: { B: randomBytes(32) } },
      }),
    );
    engine.destroy();
    await bind({ ...webhookTo('/after-poison'), event: 'custom_after_poison' });
    const event = await ingest({ action: 'custom_after_poison' });
    await eventually(async () => at('/after-poison').some((request) => JSON.parse(request.body).pk === event.pk));
    const { streamFailureStore } = await import('../../lib/store/event-stream.ts');
    const [setAside] = await eventually(async () => {
      const found = (await streamFailureStore.all()).filter((record) =>
        JSON.stringify(record.keys).includes(poisonKey),
      );
      return found.length > 0 && found;
    });
    expect(setAside?.attempts).toBe(3);
  });
});

/** The event's INSERT record, read from the table's stream and put in Lambda's JSON form. */
async function streamRecordOf(pk: string): Promise<DynamoDBRecord> {
  const { lambdaRecord } = await import('../../infra/local/stream-poller.ts');
  const endpoint = process.env.DYNAMODB_ENDPOINT as string;
  const engine = engineClient(endpoint);
  const { Table } = await engine.send(new DescribeTableCommand({ TableName: service.tableName }));
  engine.destroy();
  const arn = Table?.LatestStreamArn as string;
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const found = page.Records?.find((record) => record.dynamodb?.Keys?.sk?.S === pk);
        if (found) return lambdaRecord(found, arn);
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
  } finally {
    streams.destroy();
  }
  throw new Error(`no stream record for event ${pk}`);
}
