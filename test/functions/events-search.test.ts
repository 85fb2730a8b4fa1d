// `search` on GET /events/events/ through real HTTP: queries (index terms and checked terms),
// cidr(), authentik's plain fallback, and the 400 that names the position.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventWriter, type StoredEvent } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const tag = randomUUID().slice(0, 8);
const alice = `alice-${tag}`;
const bob = `bob-${tag}`;
let events: StoredEvent[] = [];

beforeAll(async () => {
  service = await startService();
  events = await eventWriter(service).createInOrder([
    { action: 'login', user: { username: alice }, client_ip: '10.1.2.3', context: { geo: { country: 'NL' }, tag } },
    { action: 'login_failed', user: { username: alice }, client_ip: '192.0.2.7', context: { tag, attempts: 3 } },
    { action: 'login', user: { username: bob }, client_ip: '2001:db8::5', context: { geo: { country: 'DE' }, tag } },
    { action: 'logout', user: { username: bob }, client_ip: null, context: { tag, note: `needle-${tag}` } },
    { action: 'login_failed', user: { username: bob }, client_ip: '10.200.0.1', context: { tag, attempts: 1 } },
  ]);
});
afterAll(() => service.close());

const search = (text: string, extra = '') =>
  service.call('GET', `/events/events/?page_size=100&search=${encodeURIComponent(text)}${extra}`);

async function found(text: string, extra = ''): Promise<number[]> {
  const answer = await search(text, extra);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.pagination.count).toBe(answer.body.results.length);
  return answer.body.results.map((event: StoredEvent) => events.findIndex((e) => e.pk === event.pk)).sort();
}

describe('search as a query', () => {
  it.each<[string, number[]]>([
    [`action = "login" and context.tag = "${tag}"`, [0, 2]],
    [`user.username = "${alice}"`, [0, 1]],
    [`user.username in ("${alice}", "${bob}") and action != "login"`, [1, 3, 4]],
    [`context.tag = "${tag}" and context.geo.country = "NL"`, [0]],
    [`context.tag = "${tag}" and context.attempts > 2`, [1]],
    [`context.tag = "${tag}" and client_ip = None`, [3]],
    [`client_ip = "192.0.2.7"`, [1]],
    [`context.tag = "${tag}" and action ~ "FAILED"`, [1, 4]],
    [`context.tag = "${tag}" and user.username startswith "bob"`, [2, 3, 4]],
    // One precedence, grouped to the right: a and (b or c).
    [`user.username = "${alice}" and action = "logout" or action = "login_failed"`, [1]],
    [`(user.username = "${alice}" and action = "logout") or (context.tag = "${tag}" and action = "logout")`, [3]],
  ])('%s', async (text, wanted) => {
    expect(await found(text)).toEqual(wanted);
  });

  it('takes client_ip in cidr(…) over IPv4 and IPv6, and its not form', async () => {
    expect(await found(`context.tag = "${tag}" and client_ip in cidr("10.0.0.0/8", "2001:db8::/32")`)).toEqual([
      0, 2, 4,
    ]);
    expect(await found(`context.tag = "${tag}" and client_ip not in cidr("10.0.0.0/8")`)).toEqual([1, 2, 3]);
  });

  it('finds one event by its id, in any spelling', async () => {
    const pk = (events[2] as StoredEvent).pk;
    expect(await found(`event_uuid = "${pk}"`)).toEqual([2]);
    expect(await found(`event_uuid = "${pk.toUpperCase().replaceAll('-', '')}"`)).toEqual([2]);
  });

  it('narrows by a created range, with the other filters AND-ed', async () => {
    const second = (events[1] as StoredEvent).created;
    const fourth = (events[3] as StoredEvent).created;
    expect(await found(`context.tag = "${tag}" and created >= "${second}" and created < "${fourth}"`)).toEqual([1, 2]);
    expect(
      await found(`context.tag = "${tag}"`, `&username=${bob}&created__gte=${encodeURIComponent(fourth)}`),
    ).toEqual([3, 4]);
  });

  it('finds nothing when the index terms cannot all hold', async () => {
    expect(await found(`action = "login" and action = "logout" and context.tag = "${tag}"`)).toEqual([]);
    expect(await found(`user.username = "${alice}" and created > "2999-01-01"`)).toEqual([]);
  });
});

describe('search as plain words (authentik’s fallback)', () => {
  it('searches every word in the event id, user, action, app, context and client IP', async () => {
    expect(await found(`needle-${tag}`)).toEqual([3]);
    expect(await found(`${alice} failed`)).toEqual([1]);
    expect(await found(`${tag} 192.0.2`)).toEqual([1]);
    expect(await found(`"${bob}" logout`, '&action=log')).toEqual([3]);
  });

  it('answers every event for an empty search', async () => {
    expect((await search('', `&username=${alice}`)).body.pagination.count).toBe(2);
  });
});

describe('search that looks like a query but is none', () => {
  it.each<[string, string]>([
    ['action = ', 'Syntax error at position 10'],
    ['action = "login" and', 'Syntax error at position 21'],
    ['user.username = "x" or (action = "login"', 'Syntax error at position 41'],
    ['color = "red"', 'Invalid query at position 1: Unknown field: color'],
    ['client_ip in cidr("10.0.0.0/33")', 'Invalid query at position 19'],
  ])('refuses %j with 400 {"search": [...]} naming the position', async (text, start) => {
    const answer = await search(text);
    expect(answer.status, answer.text).toBe(400);
    expect(Object.keys(answer.body)).toEqual(['search']);
    expect(answer.body.search).toHaveLength(1);
    expect(answer.body.search[0]).toMatch(new RegExp(`^${start.replace(/[()[\]]/g, '\\$&')}`));
  });
});
