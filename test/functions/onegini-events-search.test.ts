import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventWriter, type StoredEvent } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
let basic: string;
beforeAll(async () => {
  service = await startService();
  basic = `Basic ${Buffer.from(`root:${service.rootToken}`).toString('base64')}`;
});
afterAll(() => service.close());

const create = (body: Record<string, unknown>) => eventWriter(service).create(body);
const createInOrder = (bodies: Record<string, unknown>[]) => eventWriter(service).createInOrder(bodies);

type Event = StoredEvent;

const tag = () => randomUUID().slice(0, 8);

/** GET /api/events with the query exactly as written (so that odd values reach the service). */
const search = (query: string) => service.call('GET', `/api/events?${query}`, { authorization: basic });

async function results(query: string) {
  const answer = await search(query);
  expect(answer.status, answer.text).toBe(200);
  expect(Object.keys(answer.body)).toEqual(['resultSet', 'pagination']);
  return answer.body as { resultSet: Record<string, unknown>[]; pagination: Record<string, number> };
}

const ids = (resultSet: Record<string, unknown>[]) => resultSet.map((info) => info.event_identifier);
const pks = (events: Event[]) => events.map((event) => event.pk);

const missing = { error_code: 4004, error_message: 'Both user ID and actor ID are missing' };
const badLimit = { error_code: 4002, error_message: 'Invalid limit (must be a number between 1 and 1000)' };
const badOffset = { error_code: 4003, error_message: 'Invalid offset (must be at least 0)' };

describe('validation, in order', () => {
  it.each([
    ['nothing at all', ''],
    ['only limit and offset', 'limit=10&offset=0'],
    ['no subject, with a bad limit and offset too', 'limit=abc&offset=-1'],
    ['no subject, no limit, no offset', 'foo=bar'],
    ['an empty actor and userId', 'actor=&userId=&limit=10&offset=0'],
    ['an empty actor alone', 'actor=&limit=10&offset=0'],
    ['an empty userId alone', 'userId=&limit=0&offset=x'],
    ['subject names in the wrong case', 'Actor=alice&userid=7&limit=10&offset=0'],
  ])('4004 for %s', async (_name, query) => {
    const answer = await search(query);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(missing);
  });

  it.each([
    ['missing', 'actor=alice&offset=0'],
    ['missing, with a bad offset', 'actor=alice&offset=-1'],
    ['abc', 'actor=alice&limit=abc&offset=0'],
    ['0', 'actor=alice&limit=0&offset=0'],
    ['1001', 'userId=7&limit=1001&offset=0'],
    ['-1', 'actor=alice&limit=-1&offset=0'],
    ['1.5', 'actor=alice&limit=1.5&offset=0'],
    ['+5', 'actor=alice&limit=%2B5&offset=0'],
    ['empty', 'actor=alice&limit=&offset=0'],
    ['hexadecimal', 'actor=alice&limit=0x10&offset=0'],
    ['with a blank', 'actor=alice&limit=%205&offset=0'],
    ['huge', `actor=alice&limit=${'9'.repeat(30)}&offset=0`],
    ['bad, with a bad offset too', 'actor=alice&limit=abc&offset=abc'],
  ])('4002 for limit %s', async (_name, query) => {
    const answer = await search(query);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(badLimit);
  });

  it.each([
    ['missing', 'actor=alice&limit=10'],
    ['-1', 'actor=alice&limit=10&offset=-1'],
    ['abc', 'actor=alice&limit=10&offset=abc'],
    ['1.5', 'userId=7&limit=10&offset=1.5'],
    ['empty', 'actor=alice&limit=10&offset='],
    ['+1', 'actor=alice&limit=10&offset=%2B1'],
  ])('4003 for offset %s', async (_name, query) => {
    const answer = await search(query);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(badOffset);
  });

  it('accepts limit at its bounds and offset 0', async () => {
    expect((await search('actor=alice&limit=1&offset=0')).status).toBe(200);
    expect((await search('actor=alice&limit=1000&offset=0')).status).toBe(200);
    expect((await search('userId=7&limit=10&offset=5000')).status).toBe(200);
  });

  it('stores nothing for a refused search', async () => {
    const before = await service.digest();
    await search('limit=10&offset=0');
    await search('actor=alice&limit=0&offset=0');
    expect(await service.digest()).toBe(before);
  });
});

describe('results', () => {
  it('finds the events of an actor (user.username), newest first', async () => {
    const actor = `alice-${tag()}`;
    const mine = await createInOrder([
      { action: 'login', user: { username: actor } },
      { action: 'login_failed', user: { username: actor, pk: 1 } },
      { action: 'logout', user: { username: actor } },
    ]);
    await create({ action: 'login', user: { username: `${actor}x` } });
    await create({ action: 'login', user: { pk: actor } });
    await create({ action: 'login', context: { person_id: actor } });
    const body = await results(`actor=${actor}&limit=10&offset=0`);
    expect(ids(body.resultSet)).toEqual(pks(mine).reverse());
    expect(body.pagination).toEqual({ offset: 0, pageSize: 10, totalResults: 3 });
  });

  it('finds the events of a person: context.person_id, else user.pk as text', async () => {
    const person = `${Math.floor(Math.random() * 1e9) + 1e9}`;
    const mine = await createInOrder([
      { action: 'login', user: { pk: Number(person), username: `a-${tag()}` } },
      { action: 'login', user: { pk: person } },
      { action: 'login', user: { pk: 5 }, context: { person_id: person } },
      { action: 'login', context: { person_id: Number(person) } },
    ]);
    const others = await createInOrder([
      { action: 'login', user: { pk: Number(person) }, context: { person_id: `other-${tag()}` } },
      { action: 'login', user: { username: person } },
    ]);
    const body = await results(`userId=${person}&limit=10&offset=0`);
    expect(ids(body.resultSet)).toEqual(pks(mine).reverse());
    expect(body.pagination.totalResults).toBe(4);
    for (const other of others) expect(ids(body.resultSet)).not.toContain(other.pk);
  });

  it('with both actor and userId, both must hold', async () => {
    const actor = `carol-${tag()}`;
    const person = `p-${tag()}`;
    const [both] = await createInOrder([
      { action: 'login', user: { username: actor, pk: person } },
      { action: 'login', user: { username: actor, pk: `${person}x` } },
      { action: 'login', user: { username: `${actor}x`, pk: person } },
      { action: 'login', user: { username: actor } },
      { action: 'login', user: { pk: person } },
    ]);
    const body = await results(`actor=${actor}&userId=${person}&limit=10&offset=0`);
    expect(ids(body.resultSet)).toEqual([both!.pk]);
    expect(body.pagination.totalResults).toBe(1);
    expect((await results(`actor=${actor}&limit=10&offset=0`)).pagination.totalResults).toBe(3);
    expect((await results(`userId=${person}&limit=10&offset=0`)).pagination.totalResults).toBe(3);
  });

  it('uses the subject that is not empty when the other is', async () => {
    const actor = `dave-${tag()}`;
    const event = await create({ action: 'login', user: { username: actor } });
    expect(ids((await results(`actor=${actor}&userId=&limit=10&offset=0`)).resultSet)).toEqual([event.pk]);
    const person = `p-${tag()}`;
    const byPerson = await create({ action: 'login', user: { pk: person } });
    expect(ids((await results(`actor=&userId=${person}&limit=10&offset=0`)).resultSet)).toEqual([byPerson.pk]);
  });

  it('slices with offset and limit, echoes them, and counts every match', async () => {
    const actor = `erin-${tag()}`;
    const events = await createInOrder(
      Array.from({ length: 7 }, () => ({ action: 'login', user: { username: actor } })),
    );
    const newest = pks(events).reverse();
    const page = async (offset: number, limit: number) => {
      const body = await results(`actor=${actor}&limit=${limit}&offset=${offset}`);
      expect(body.pagination).toEqual({ offset, pageSize: limit, totalResults: 7 });
      return ids(body.resultSet);
    };
    expect(await page(0, 3)).toEqual(newest.slice(0, 3));
    expect(await page(3, 3)).toEqual(newest.slice(3, 6));
    expect(await page(6, 3)).toEqual(newest.slice(6));
    expect(await page(2, 1)).toEqual([newest[2]]);
    expect(await page(7, 3)).toEqual([]);
    expect(await page(100, 1000)).toEqual([]);
    expect(await page(0, 1000)).toEqual(newest);
    const padded = await results(`actor=${actor}&limit=003&offset=01`);
    expect(padded.pagination).toEqual({ offset: 1, pageSize: 3, totalResults: 7 });
    expect(ids(padded.resultSet)).toEqual(newest.slice(1, 4));
  });

  it('stores and finds subjects too long for an index key (keyed by their hash)', async () => {
    const actor = `${tag()}${'a'.repeat(1500)}`;
    const person = `${tag()}${'é'.repeat(1100)}`;
    const event = await create({ action: 'login', user: { username: actor }, context: { person_id: person } });
    const byActor = await results(`actor=${actor}&limit=5&offset=0`);
    expect(ids(byActor.resultSet)).toEqual([event.pk]);
    const byPerson = await results(`userId=${encodeURIComponent(person)}&limit=5&offset=0`);
    expect(ids(byPerson.resultSet)).toEqual([event.pk]);
    expect((await results(`actor=${actor.slice(0, -1)}&limit=5&offset=0`)).resultSet).toEqual([]);
  });

  it('answers an empty result set for a subject without events', async () => {
    const answer = await search(`actor=nobody-${tag()}&limit=10&offset=0`);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"resultSet":[],"pagination":{"offset":0,"pageSize":10,"totalResults":0}}');
  });

  it('accepts the other credential forms too', async () => {
    const actor = `fay-${tag()}`;
    const event = await create({ action: 'login', user: { username: actor } });
    const query = `/api/events?actor=${actor}&limit=10&offset=0`;
    for (const options of [
      {},
      { authorization: service.rootToken },
      { token: null, headers: { 'pi-authorization': service.rootToken } },
    ]) {
      const answer = await service.call('GET', query, options);
      expect(answer.status).toBe(200);
      expect(ids(answer.body.resultSet)).toEqual([event.pk]);
    }
  });
});

describe('EventInfo', () => {
  async function infoOf(body: Record<string, unknown>, query: (event: Event) => string) {
    const event = await create(body);
    const found = await results(`${query(event)}&limit=10&offset=0`);
    expect(found.resultSet).toHaveLength(1);
    return { event, info: found.resultSet[0]! };
  }

  it('maps every field from its first source', async () => {
    const actor = `gus-${tag()}`;
    const { event, info } = await infoOf(
      {
        action: 'login_failed',
        user: { pk: 42, username: actor, email: 'gus@example.com' },
        client_ip: '2001:db8::7',
        context: {
          person_id: 'person-42',
          event_type: 'LOGIN_FAILURE',
          event_name: 'Login failure',
          user_agent: 'curl/8.5',
          http_request: { user_agent: 'Mozilla/5.0 (ignored)' },
          partition_id: 'eu-west',
          reason: 'wrong password',
        },
        brand: { name: 'acme' },
      },
      () => `actor=${actor}`,
    );
    expect(info).toEqual({
      event_identifier: event.pk,
      person_id: 'person-42',
      occurred: Date.parse(event.created),
      event_type: 'LOGIN_FAILURE',
      event_name: 'Login failure',
      client_ip: '2001:db8::7',
      user_agent: 'curl/8.5',
      partition_id: 'eu-west',
      event_agent_user: actor,
      reason: 'wrong password',
    });
    expect(Number.isInteger(info.occurred)).toBe(true);
  });

  it('falls back to user.pk, action, display name, http_request.user_agent and brand.name', async () => {
    const actor = `hal-${tag()}`;
    const { event, info } = await infoOf(
      {
        action: 'login_failed',
        user: { pk: 42, username: actor },
        client_ip: '192.0.2.7',
        context: { http_request: { user_agent: 'Mozilla/5.0', path: '/login' } },
        brand: { name: 'acme' },
      },
      () => `actor=${actor}`,
    );
    expect(info).toEqual({
      event_identifier: event.pk,
      person_id: '42',
      occurred: Date.parse(event.created),
      event_type: 'login_failed',
      event_name: 'Login Failed',
      client_ip: '192.0.2.7',
      user_agent: 'Mozilla/5.0',
      partition_id: 'acme',
      event_agent_user: actor,
    });
  });

  it('shows custom actions as Custom Prefix and the partition as "default" without a brand', async () => {
    const actor = `ivy-${tag()}`;
    const { info } = await infoOf(
      { action: 'custom_password_expired', user: { username: actor } },
      () => `actor=${actor}`,
    );
    expect(info.event_type).toBe('custom_password_expired');
    expect(info.event_name).toBe('Custom Prefix');
    expect(info.partition_id).toBe('default');
  });

  it('omits the fields without a value', async () => {
    const person = `p-${tag()}`;
    const { event, info } = await infoOf({ action: 'logout', user: { pk: person } }, () => `userId=${person}`);
    expect(info).toEqual({
      event_identifier: event.pk,
      person_id: person,
      occurred: Date.parse(event.created),
      event_type: 'logout',
      event_name: 'Logout',
      partition_id: 'default',
    });
    expect(Object.keys(info)).not.toContain('client_ip');
    expect(Object.keys(info)).not.toContain('event_agent_user');
    expect(Object.keys(info)).not.toContain('user_agent');
    expect(Object.keys(info)).not.toContain('reason');
  });

  it('occurred is the creation time in epoch milliseconds', async () => {
    const actor = `jo-${tag()}`;
    const { event, info } = await infoOf({ action: 'login', user: { username: actor } }, () => `actor=${actor}`);
    expect(info.occurred).toBe(Date.parse(event.created));
    expect(new Date(info.occurred as number).toISOString()).toBe(event.created);
  });

  it('shows masked context values masked', async () => {
    const actor = `kim-${tag()}`;
    const { info } = await infoOf(
      { action: 'login', user: { username: actor }, context: { reason: 'ok', password: 'hunter2' } },
      () => `actor=${actor}`,
    );
    expect(JSON.stringify(info)).not.toContain('hunter2');
    expect(info.reason).toBe('ok');
  });
});

describe('data access', () => {
  it('never scans the table', () => {
    expect(service.commands).toContain('QueryCommand');
    expect(service.commands).not.toContain('ScanCommand');
  });
});
