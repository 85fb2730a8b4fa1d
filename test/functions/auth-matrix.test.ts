// Every route of the table × every kind of caller: derived from `routes`, so a new route is
// covered the moment it is added.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PolicyAction, policyActions } from '../../lib/admins/policy-actions.ts';
import { type RouteRequest, send, validInputsOf } from '../helpers/requests.ts';
import {
  definitionOf,
  expectForbidden,
  expectUnauthorized,
  fillPath,
  paramsOf,
  pathParameters,
  type Route,
  routes,
} from '../helpers/routes.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const only = new Map<PolicyAction, string>();
const allBut = new Map<PolicyAction, string>();
let revokedToken: string;

beforeAll(async () => {
  service = await startService();
  for (const action of policyActions) {
    only.set(action, await service.admin(`only-${action}`, [action]));
    allBut.set(
      action,
      await service.admin(
        `all-but-${action}`,
        policyActions.filter((a) => a !== action),
      ),
    );
  }
  revokedToken = await service.admin('revoked', [...policyActions]);
  await service.revoke('revoked');
});
afterAll(() => service.close());

const guarded = routes.filter((route) => route.action !== null) as (Route & { action: PolicyAction })[];
const open = routes.filter((route) => route.action === null && !('credentials' in route));
// Public routes the function opens itself with a connector's secret.
const selfGuarded = routes.filter((route) => 'credentials' in route);

/** One valid request for the route (the first value its valid-input arbitrary yields). */
async function validRequest(route: Route): Promise<RouteRequest> {
  const inputs = validInputsOf(route);
  const [value] = fc.sample(inputs.arbitrary, { numRuns: 1, seed: 42 });
  return inputs.request(service, value);
}

describe('the route table', () => {
  it.each(routes.map((route) => [route.key]))('%s: every path parameter has a plausible value', (key) => {
    for (const name of paramsOf(key)) expect(pathParameters, `add "${name}" to pathParameters`).toHaveProperty(name);
  });

  it('has guarded routes for every policy action it names', () => {
    expect(guarded.length).toBeGreaterThan(0);
    for (const route of guarded) expect(policyActions).toContain(route.action);
  });
});

describe.each(guarded.map((route) => [route.key, route] as const))('%s', (_key, route) => {
  it.each([
    ['no credential', () => ({ token: null })],
    ['a bad token', () => ({ token: `ieh_${'x'.repeat(43)}` })],
    ['a revoked admin', () => ({ token: revokedToken })],
    ['an empty Bearer', () => ({ authorization: 'Bearer ' })],
    ['Basic with the wrong admin name', () => ({ authorization: basic('someone-else', only.get(route.action)) })],
  ])('%s: 401 from the gateway, no function ran, nothing written', async (_name, credential) => {
    const request = await validRequest(route);
    const before = service.completedWrites();
    const sent = service.commands.length;
    const answer = await send(service, route, request, credential());
    expectUnauthorized(route, answer);
    // Only the authorizer's own lookup of the token hash may have reached the table.
    expect(service.commands.slice(sent).every((name) => name === 'GetItemCommand' || name === 'GetCommand')).toBe(true);
    expect(service.commands.length - sent).toBeLessThanOrEqual(1);
    expect(service.completedWrites()).toBe(before);
  });

  it(`an admin with every action but ${route.action}: 403 in the ${route.dialect} shape, nothing written`, async () => {
    const request = await validRequest(route);
    const before = service.completedWrites();
    const answer = await send(service, route, request, { token: allBut.get(route.action) });
    expectForbidden(route, answer);
    expect(service.completedWrites()).toBe(before);
  });

  it(`an admin with only ${route.action}: neither 401 nor 403`, async () => {
    const answer = await send(service, route, await validRequest(route), { token: only.get(route.action) });
    expect([401, 403], `${route.key}: ${answer.status} ${answer.text}`).not.toContain(answer.status);
    expect(answer.status, answer.text).toBeLessThan(500);
  });

  it.each([
    ['Authorization: Bearer <token>', (_name: string, token: string) => ({ authorization: `Bearer ${token}` })],
    ['Authorization: <token>', (_name: string, token: string) => ({ authorization: token })],
    [
      'PI-Authorization: <token>',
      (_name: string, token: string) => ({ token: null, headers: { 'pi-authorization': token } }),
    ],
    ['Authorization: Basic <admin>:<token>', (name: string, token: string) => ({ authorization: basic(name, token) })],
  ])('accepts %s', async (form, credential) => {
    if (route.dialect === 'ssf' && !form.includes('Bearer')) {
      // Shared Signals receivers send the admin token as a Bearer header only (RFC 6750): 401 otherwise.
      for (const admin of ['only', 'all-but'] as const) {
        const token = (admin === 'only' ? only : allBut).get(route.action) as string;
        const answer = await send(
          service,
          route,
          await validRequest(route),
          credential(`${admin}-${route.action}`, token),
        );
        expect(answer.status, `${route.key} ${form}: ${answer.text}`).toBe(401);
        expect(answer.body).toMatchObject({ err: expect.any(String) });
      }
      return;
    }
    const allowed = await send(
      service,
      route,
      await validRequest(route),
      credential(`only-${route.action}`, only.get(route.action) as string),
    );
    expect([401, 403], `${route.key}: ${allowed.status} ${allowed.text}`).not.toContain(allowed.status);
    // The same form carrying an admin who lacks the action is a 403: the credential was read, not ignored.
    const denied = await send(
      service,
      route,
      await validRequest(route),
      credential(`all-but-${route.action}`, allBut.get(route.action) as string),
    );
    expectForbidden(route, denied);
  });
});

describe.each(open.map((route) => [route.key, route] as const))('%s (public)', (_key, route) => {
  // The route's declared success: 200, or 308 for a path that redirects to its slash (GET /ui).
  const success = async () => (await definitionOf(route)).schemas.response?.status ?? 200;

  it('answers its success without a credential', async () => {
    const answer = await send(service, route, { path: fillPath(route.key) }, { token: null });
    expect(answer.status, answer.text).toBe(await success());
  });

  it('answers its success with any credential, even a bad one', async () => {
    const answer = await send(service, route, { path: fillPath(route.key) }, { token: 'not-a-token' });
    expect(answer.status, answer.text).toBe(await success());
  });
});

describe.each(selfGuarded.map((route) => [route.key, route] as const))('%s (own credentials)', (_key, route) => {
  it('with credentials of its own: 401 without one, with a bad one and with an admin token', async () => {
    for (const token of [null, 'not-a-token', service.rootToken]) {
      const answer = await send(service, route, { path: fillPath(route.key) }, { token });
      expect(answer.status, answer.text).toBe(401);
      expect(answer.body).toEqual({ detail: 'Invalid connector credentials.' });
    }
  });
});

describe('decisions per route', () => {
  it('GET /event redirects with 308 and needs eventhandling_read', async () => {
    const allowed = await service.call('GET', '/event', { token: only.get('eventhandling_read') });
    expect(allowed.status).toBe(308);
    expect(allowed.headers.get('location')).toBe('/event/');
    const denied = await service.call('GET', '/event', { token: allBut.get('eventhandling_read') });
    expectForbidden(routes.find((r) => r.key === 'GET /event') as Route, denied);
    expectUnauthorized(
      routes.find((r) => r.key === 'GET /event') as Route,
      await service.call('GET', '/event', { token: null }),
    );
  });

  it('does not reuse one route’s decision for a route that needs another action', async () => {
    const token = only.get('auditlog_read') as string;
    const list = routes.find((r) => r.key === 'GET /events/events/') as Route;
    const bindings = routes.find((r) => r.key === 'GET /event/') as Route;
    // Same token, same connection settings, alternating routes: the answer follows the route.
    for (let round = 0; round < 3; round++) {
      expect((await service.call('GET', '/events/events/', { token })).status).toBe(200);
      expectForbidden(bindings, await service.call('GET', '/event/', { token }));
    }
    expect((await service.call('GET', '/events/events/', { token: only.get('eventhandling_read') })).status).toBe(403);
    expect(list.action).not.toBe(bindings.action);
  });

  it('reads a revoked admin as unknown at once', async () => {
    const token = await service.admin('short-lived', ['auditlog_read']);
    expect((await service.call('GET', '/events/events/', { token })).status).toBe(200);
    await service.revoke('short-lived');
    expect((await service.call('GET', '/events/events/', { token })).status).toBe(401);
  });
});

function basic(name: string, token: string | undefined) {
  return `Basic ${Buffer.from(`${name}:${token}`).toString('base64')}`;
}
