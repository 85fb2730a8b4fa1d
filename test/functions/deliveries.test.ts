// GET /event/deliveries and POST /event/deliveries/{id}/replay: filters, validation, envelope.
// The ledger is filled by pre runs, which are written within the ingest request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/privacyidea.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
let okBinding: number;
let failingBinding: number;
const events: string[] = [];

beforeAll(async () => {
  service = await startService();
  const bind = async (params: Record<string, unknown>) => {
    const answer = await service.call('POST', '/event', {
      json: { event: 'custom_ledger', handlermodule: 'RequestMangler', action: 'set', position: 'pre', ...params },
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.body.result.value as number;
  };
  okBinding = await bind({ name: 'fine', 'option.parameter': 'context.fine', 'option.value': 'yes' });
  failingBinding = await bind({ name: 'broken', 'option.parameter': 'client_ip', 'option.value': 'nope' });
  for (let i = 0; i < 3; i++) {
    const answer = await service.call('POST', '/events/events/', { json: { action: 'custom_ledger', app: 'tests' } });
    expect(answer.status, answer.text).toBe(201);
    events.push(answer.body.pk);
  }
});
afterAll(() => service.close());

const list = (query: string) => service.call('GET', `/event/deliveries${query}`);

describe('GET /event/deliveries', () => {
  it('lists deliveries newest first in the privacyIDEA envelope', async () => {
    const answer = await list('');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ jsonrpc: '2.0', result: { status: true }, id: 1 });
    const value = answer.body.result.value as any[];
    expect(value).toHaveLength(6);
    const updated = value.map((d) => d.updated);
    expect(updated).toEqual([...updated].sort().reverse());
    expect(Object.keys(value[0]).sort()).toEqual(
      [
        'action',
        'attempt',
        'binding',
        'binding_name',
        'created',
        'event',
        'handlermodule',
        'id',
        'last_error',
        'max_attempts',
        'next_attempt',
        'notes',
        'position',
        'status',
        'updated',
      ].sort(),
    );
  });

  it('filters by status, binding and event, together', async () => {
    const failed = (await list('?status=failed')).body.result.value as any[];
    expect(failed.map((d) => d.binding)).toEqual([failingBinding, failingBinding, failingBinding]);
    const succeeded = (await list(`?status=succeeded&binding=${okBinding}`)).body.result.value as any[];
    expect(succeeded).toHaveLength(3);
    const one = (await list(`?event=${events[1]}&binding=${failingBinding}`)).body.result.value as any[];
    expect(one.map((d) => d.id)).toEqual([`${events[1]}.${failingBinding}.set`]);
    expect((await list(`?event=${events[1]}&status=dead`)).body.result.value).toEqual([]);
    expect((await list('?limit=2')).body.result.value).toHaveLength(2);
    // binding=0 names the deliveries no binding made (Shared Signals pushes): none here.
    expect((await list('?binding=0')).body.result.value).toEqual([]);
  });

  it('refuses bad filters with 400/905 naming the parameter', async () => {
    expectError(await list('?status=lost'), 400, 905, /^ERR905: status: 'lost'/);
    expectError(await list('?binding=abc'), 400, 905, /^ERR905: binding: 'abc'/);
    expectError(await list('?binding=01'), 400, 905, /^ERR905: binding: '01'/);
    expectError(await list('?event=nope'), 400, 905, /^ERR905: event: 'nope'/);
    expectError(await list('?limit=0'), 400, 905, /^ERR905: limit: '0'/);
  });

  it('needs eventhandling_read', async () => {
    const token = await service.admin('ledger-writer', ['eventhandling_write']);
    expectError(await service.call('GET', '/event/deliveries', { token }), 403, 303, /eventhandling_read/);
  });
});

describe('POST /event/deliveries/{id}/replay', () => {
  it('refuses a malformed id (400) and answers 404 for an unknown one', async () => {
    expectError(
      await service.call('POST', '/event/deliveries/not-a-delivery/replay'),
      400,
      905,
      /is not a delivery id/,
    );
    expectError(
      await service.call('POST', `/event/deliveries/${events[0]}.999.post_webhook/replay`),
      404,
      601,
      'The requested delivery could not be found.',
    );
  });

  it('refuses to replay a pre run: it belonged to its request', async () => {
    expectError(
      await service.call('POST', `/event/deliveries/${events[0]}.${failingBinding}.set/replay`),
      400,
      905,
      /cannot be replayed/,
    );
  });

  it('needs eventhandling_write', async () => {
    const token = await service.admin('ledger-reader', ['eventhandling_read']);
    expectError(
      await service.call('POST', `/event/deliveries/${events[0]}.${failingBinding}.set/replay`, { token }),
      403,
      303,
      /eventhandling_write/,
    );
  });
});
