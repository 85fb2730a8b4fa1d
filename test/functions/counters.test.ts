import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../../lib/handlers/counters.ts';
import { expectError } from '../helpers/privacyidea.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
let counters: CounterStore;
beforeAll(async () => {
  service = await startService();
  ({ counterStore: counters } = await import('../../lib/store/counters.ts'));
  await counters.increase('logins.failed');
  await counters.increase('logins.failed');
  await counters.increase('a-first');
  await counters.decrease('b:at-zero', false);
});
afterAll(() => service.close());

describe('GET /event/counters', () => {
  it('lists every counter by name in the privacyIDEA envelope', async () => {
    const answer = await service.call('GET', '/event/counters');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['jsonrpc', 'result', 'version', 'versionnumber', 'id', 'time']);
    const value = answer.body.result.value as { counter_name: string; counter_value: number; updated: string }[];
    expect(value.map(({ counter_name, counter_value }) => [counter_name, counter_value])).toEqual([
      ['a-first', 1],
      ['b:at-zero', 0],
      ['logins.failed', 2],
    ]);
    for (const counter of value) expect(Object.keys(counter)).toEqual(['counter_name', 'counter_value', 'updated']);
  });

  it('is served by the counters route, not taken as a binding id', async () => {
    const answer = await service.call('GET', '/event/counters');
    expect(Array.isArray(answer.body.result.value)).toBe(true);
    expect(answer.body.result.value[0]).toHaveProperty('counter_name');
  });

  it('queries the index, never scans', async () => {
    const before = service.commands.length;
    await service.call('GET', '/event/counters');
    expect(service.commands.slice(before)).toContain('QueryCommand');
    expect(service.commands).not.toContain('ScanCommand');
  });
});

describe('GET /event/counters/{name}', () => {
  it('answers one counter', async () => {
    const answer = await service.call('GET', '/event/counters/logins.failed');
    expect(answer.status).toBe(200);
    expect(answer.body.result.value).toMatchObject({ counter_name: 'logins.failed', counter_value: 2 });
    expect(Date.parse(answer.body.result.value.updated)).not.toBeNaN();
  });

  it('sees a change at once', async () => {
    await counters.increase('logins.failed');
    const answer = await service.call('GET', '/event/counters/logins.failed');
    expect(answer.body.result.value.counter_value).toBe(3);
  });

  it('answers 404/601 for an unknown counter', async () => {
    expectError(
      await service.call('GET', '/event/counters/never-counted'),
      404,
      601,
      'The requested counter could not be found.',
    );
  });

  it.each([
    ['a blank', '%20'],
    ['a slash inside', 'a%2Fb'],
    ['a quote', 'x%22y'],
    ['too long a name', 'n'.repeat(129)],
  ])('answers 400/905 for %s', async (_what, name) => {
    const answer = await service.call('GET', `/event/counters/${name}`);
    expectError(
      answer,
      400,
      905,
      `ERR905: name: '${decodeURIComponent(name)}' must be 1-128 letters, digits or _ . : -`,
    );
  });
});

describe('policy', () => {
  it('answers 403/303 without eventhandling_read, on both routes', async () => {
    const token = await service.admin('auditor', ['auditlog_read', 'eventhandling_write']);
    for (const path of ['/event/counters', '/event/counters/logins.failed']) {
      expectError(
        await service.call('GET', path, { token }),
        403,
        303,
        'Admin actions are defined, but the action eventhandling_read is not allowed!',
      );
    }
  });

  it('answers 200 with eventhandling_read alone', async () => {
    const token = await service.admin('reader', ['eventhandling_read']);
    expect((await service.call('GET', '/event/counters', { token })).status).toBe(200);
  });

  it('answers 401 without a credential', async () => {
    expect((await service.call('GET', '/event/counters', { token: null })).status).toBe(401);
  });
});
