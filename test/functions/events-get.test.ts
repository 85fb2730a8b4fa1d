import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postedByRoot } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('GET /events/events/{event_uuid}/', () => {
  it('answers 200 with the stored event', async () => {
    const created = await service.call('POST', '/events/events/', {
      json: {
        action: 'login_failed',
        app: 'authentik.core',
        user: { pk: 7, username: 'alice' },
        context: { reason: 'wrong password', password: 'hunter2' },
        client_ip: '192.0.2.7',
        brand: { name: 'acme' },
      },
    });
    expect(created.status).toBe(201);
    const answer = await service.call('GET', `/events/events/${created.body.pk}/`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(created.body);
    expect(answer.body.context).toEqual({
      reason: 'wrong password',
      password: '********************',
      ...postedByRoot,
    });
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
  });

  it('tells events apart', async () => {
    const one = await service.call('POST', '/events/events/', { json: { action: 'login', app: 'one' } });
    const two = await service.call('POST', '/events/events/', { json: { action: 'logout', app: 'two' } });
    expect((await service.call('GET', `/events/events/${one.body.pk}/`)).body.app).toBe('one');
    expect((await service.call('GET', `/events/events/${two.body.pk}/`)).body.app).toBe('two');
  });

  const v7 = (ms: number) => {
    const hex = ms.toString(16).padStart(12, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-0123456789ab`;
  };

  it.each([
    ['an unknown v7 uuid', v7(Date.now())],
    ['an unknown v7 uuid of an old month', v7(Date.parse('2001-02-03T04:05:06Z'))],
    ['a v7 uuid at the epoch', v7(0)],
    ['a v7 uuid at the end of time', 'ffffffff-ffff-7fff-bfff-ffffffffffff'],
    ['a v4 uuid', randomUUID()],
    ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
    ['a malformed id', 'not-a-uuid'],
    ['a NUL byte', '%00'],
    ['a very long id', 'a'.repeat(2000)],
    ['a uuid with a suffix', `${v7(Date.now())}0`],
    ['a uuid without dashes', v7(Date.now()).replaceAll('-', '')],
    ['an encoded path', '..%2F..%2Fhealth'],
  ])('answers 404 Not found. for %s', async (_name, id) => {
    const answer = await service.call('GET', `/events/events/${id}/`);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ detail: 'Not found.' });
  });

  it('answers 404 for a v4 uuid that shares the stored event’s digits', async () => {
    const created = await service.call('POST', '/events/events/', { json: { action: 'login', app: 'a' } });
    const pk: string = created.body.pk;
    const v4 = `${pk.slice(0, 14)}4${pk.slice(15)}`;
    expect((await service.call('GET', `/events/events/${v4}/`)).body).toEqual({ detail: 'Not found.' });
    expect((await service.call('GET', `/events/events/${pk}/`)).status).toBe(200);
  });

  it('never scans the table', () => {
    expect(service.commands).toContain('GetItemCommand');
    expect(service.commands).not.toContain('ScanCommand');
  });
});
