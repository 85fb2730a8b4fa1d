// Every answer carries Cache-Control: no-store and X-Content-Type-Options: nosniff: the route
// functions' (functions/http/route-handler.ts) and the local gateway's own 401 and 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayAnswers } from '../../../infra/local/gateway.ts';
import { routes, splitRouteKey } from '../../../infra/routes.ts';
import { fillPath } from '../../helpers/routes.ts';
import { type Answer, type Service, startService } from '../../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

function expectSecurityHeaders(answer: Answer, where: string) {
  expect(answer.headers.get('cache-control'), where).toBe('no-store');
  expect(answer.headers.get('x-content-type-options'), where).toBe('nosniff');
}

describe('local gateway', () => {
  it('answers 401 itself for every admin route without a credential, with the security headers', async () => {
    for (const route of routes.filter((r) => r.action !== null)) {
      const answer = await service.call(splitRouteKey(route.key).method, fillPath(route.key), { token: null });
      expect(answer.status, route.key).toBe(401);
      expect(answer.body, route.key).toEqual(gatewayAnswers.unauthorized.body);
      expect(answer.headers.get('content-type'), route.key).toBe('application/json');
      expectSecurityHeaders(answer, route.key);
    }
  });

  it('answers 404 itself for a path or method outside the route table, with the security headers', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['PUT', '/health'],
      ['GET', '/docs/a/b'],
    ] as const) {
      const answer = await service.call(method, path);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body).toEqual(gatewayAnswers.notFound.body);
      expectSecurityHeaders(answer, `${method} ${path}`);
    }
  });

  it("passes on the route functions' security headers, whatever they answer", async () => {
    for (const route of routes) {
      const answer = await service.call(splitRouteKey(route.key).method, fillPath(route.key));
      expectSecurityHeaders(answer, `${route.key} → ${answer.status}`);
    }
  });
});
