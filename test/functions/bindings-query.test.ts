// One query language everywhere, through real HTTP: the binding condition `query` is offered by
// every module, refused at save when it does not parse, and decides pre bindings (before the
// event is stored) and post dispatch (stream → webhook), as does a matcher policy's `query`.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postedByRoot } from '../helpers/events.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

let service: Service;
let server: Server;
let sinkUrl = '';
const received: { path: string; pk: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '/', pk: JSON.parse(Buffer.concat(chunks).toString()).pk });
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service = await startService({ dispatch: true });
});
afterAll(async () => {
  await service?.close();
  await new Promise((done) => server.close(done));
});

const tag = () => randomUUID().slice(0, 8);

const save = (json: Record<string, unknown>) => service.call('POST', '/event', { json });

async function bind(json: Record<string, unknown>): Promise<number> {
  const answer = await save(json);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value;
}

async function ingest(event: Record<string, unknown>) {
  const answer = await service.call('POST', '/events/events/', { json: { app: 'tests', ...event } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; context: Record<string, unknown> };
}

const webhook = (event: string, path: string, conditions: Record<string, string>) => ({
  name: `hook ${path}`,
  event,
  handlermodule: 'WebHook',
  action: 'post_webhook',
  'option.URL': `${sinkUrl}${path}`,
  'option.content_type': 'application/json',
  conditions,
});

const mangle = (event: string, conditions: Record<string, string>, parameter: string) => ({
  name: `mangle ${parameter}`,
  event,
  position: 'pre',
  handlermodule: 'RequestMangler',
  action: 'set',
  'option.parameter': parameter,
  'option.value': 'yes',
  conditions,
});

describe('the query condition', () => {
  it('is offered by every handler module', async () => {
    const modules = (await service.call('GET', '/event/handlermodules')).body.result.value as string[];
    expect(modules.length).toBeGreaterThan(1);
    for (const module of modules) {
      const conditions = (await service.call('GET', `/event/conditions/${module}`)).body.result.value;
      expect(conditions.query, module).toEqual({ type: 'str', group: 'event', desc: expect.stringContaining('cidr(') });
    }
  });

  it.each<[string, string, string]>([
    [
      'a syntax error',
      'action = "login" and',
      "ERR905: conditions.query: is not a valid query: Syntax error at position 21: Unexpected end of input, expected a field name or '('",
    ],
    [
      'an unknown field',
      'colour = "red"',
      'ERR905: conditions.query: is not a valid query: Invalid query at position 1: Unknown field: colour. Possible choices are: action, app, brand, client_ip, context, created, event_uuid, user',
    ],
    [
      'a bad network',
      'client_ip in cidr("10.0.0.0/33")',
      "ERR905: conditions.query: is not a valid query: Invalid query at position 19: '10.0.0.0/33' is not an IPv4 or IPv6 network",
    ],
  ])('is refused at save when it is %s (POST and PATCH), nothing written', async (_name, query, message) => {
    const before = (await service.call('GET', '/event/')).body.result.value.length;
    const created = await save(webhook('login', '/never', { query }));
    expect(created.status, created.text).toBe(400);
    expect(created.body.result).toMatchObject({ status: false, error: { code: 905, message } });
    expect((await service.call('GET', '/event/')).body.result.value).toHaveLength(before);

    const id = await bind(webhook('login', '/never', { app: 'x' }));
    const patched = await service.call('PATCH', `/event/${id}`, { json: { conditions: { query } } });
    expect(patched.status, patched.text).toBe(400);
    expect(patched.body.result.error.message).toBe(message);
    expect((await service.call('GET', `/event/${id}`)).body.result.value[0].conditions).toEqual({ app: 'x' });
  });

  it('is stored as given and decides pre bindings before the event is stored', async () => {
    const action = `custom_pre_${tag()}`;
    const query = 'client_ip in cidr("10.0.0.0/8", "2001:db8::/32") and context.geo.country != "XX"';
    const id = await bind(mangle(action, { query }, 'context.by_query'));
    expect((await service.call('GET', `/event/${id}`)).body.result.value[0].conditions).toEqual({ query });
    const policy = await service.call('POST', '/policies/event_matcher/', {
      json: { name: `pre ${action}`, query: 'user.username startswith "vip-"' },
    });
    expect(policy.status, policy.text).toBe(201);
    await bind(mangle(action, { matcher_policy: policy.body.pk }, 'context.by_policy'));

    const hit = await ingest({ action, client_ip: '2001:db8::9', user: { username: 'vip-ann' }, context: {} });
    expect(hit.context).toEqual({ by_query: 'yes', by_policy: 'yes', ...postedByRoot });
    expect((await service.call('GET', `/events/events/${hit.pk}/`)).body.context).toEqual(hit.context);
    const miss = await ingest({ action, client_ip: '192.0.2.1', user: { username: 'bob' }, context: {} });
    expect(miss.context).toEqual(postedByRoot);
    const xx = await ingest({
      action,
      client_ip: '10.1.1.1',
      user: { username: 'vip-x' },
      context: { geo: { country: 'XX' } },
    });
    expect(xx.context).toEqual({ geo: { country: 'XX' }, by_policy: 'yes', ...postedByRoot });
  });

  it('decides post dispatch, alone and through a matcher policy, AND-ed with the other conditions', async () => {
    const action = `custom_post_${tag()}`;
    await bind(webhook(action, '/by-query', { query: 'context.amount > 100 or user.username = "root"' }));
    await bind(webhook(action, '/by-query-and-app', { query: 'context.amount > 100', app: 'shop' }));
    const policy = await service.call('POST', '/policies/event_matcher/', {
      json: { name: `post ${action}`, action, query: 'client_ip not in cidr("192.0.2.0/24")' },
    });
    expect(policy.status, policy.text).toBe(201);
    await bind(webhook(action, '/by-policy', { matcher_policy: policy.body.pk }));

    const big = await ingest({ action, app: 'shop', client_ip: '192.0.2.5', context: { amount: 150 } });
    const root = await ingest({
      action,
      client_ip: '198.51.100.1',
      user: { username: 'root' },
      context: { amount: 5 },
    });
    const small = await ingest({ action, client_ip: '192.0.2.6', context: { amount: 5 } });
    const sentTo = (path: string) => received.filter((request) => request.path === path).map((request) => request.pk);
    await eventually(
      async () =>
        sentTo('/by-query').length >= 2 && sentTo('/by-query-and-app').length >= 1 && sentTo('/by-policy').length >= 1,
    );
    // The stream keeps one partition's order; the last event is decided once a later one was sent.
    const last = await ingest({ action, client_ip: '198.51.100.2', user: { username: 'root' }, context: {} });
    await eventually(async () => sentTo('/by-query').includes(last.pk) && sentTo('/by-policy').includes(last.pk));
    expect(sentTo('/by-query').sort()).toEqual([big.pk, root.pk, last.pk].sort());
    expect(sentTo('/by-query-and-app')).toEqual([big.pk]);
    expect(sentTo('/by-policy').sort()).toEqual([root.pk, last.pk].sort());
    expect(sentTo('/by-query')).not.toContain(small.pk);
  });
});
