// Every answer carries Cache-Control: no-store and X-Content-Type-Options: nosniff: the route
// functions' (functions/http/route-handler.ts) and the local gateway's own 401 and 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayAnswers, requestPath } from '../../../infra/local/gateway.ts';
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

  it('answers 400 itself for a path that does not percent-decode, before routing and auth', async () => {
    for (const [method, path] of [
      ['GET', '/event/%ZZ'],
      ['GET', '/events/events/%ZZ/'],
      ['GET', '/docs/%ZZ'],
      ['GET', '/event/%C0%AF'],
      ['GET', '/event/%E2%82'],
      ['GET', '/event/%'],
      ['GET', '/event/%ED%A0%80'],
      ['DELETE', '/event/%FF'],
      ['POST', '/event/enable/%ZZ'],
      ['GET', '/nowhere/%ZZ'],
      ['PUT', '/health%ZZ'],
    ] as const) {
      for (const token of [null, undefined]) {
        const answer = await service.call(method, path, { token });
        expect(answer.status, `${method} ${path}`).toBe(400);
        expect(answer.body, `${method} ${path}`).toEqual(gatewayAnswers.badRequest.body);
        expectSecurityHeaders(answer, `${method} ${path}`);
      }
    }
  });

  it('still routes a path whose escapes decode, slashes and UTF-8 included', async () => {
    // %31%32 is "12": an unknown binding id, so privacyIDEA's empty list.
    const unknownBinding = await service.call('GET', '/event/%31%32');
    expect(unknownBinding.status).toBe(200);
    expect(unknownBinding.body.result.value).toEqual([]);
    const unknownEvent = await service.call('GET', '/events/events/caf%C3%A9/');
    expect(unknownEvent.status).toBe(404);
    expect(unknownEvent.body).toEqual({ detail: 'Not found.' });
  });

  it("passes on the route functions' security headers, whatever they answer", async () => {
    for (const route of routes) {
      const answer = await service.call(splitRouteKey(route.key).method, fillPath(route.key));
      expectSecurityHeaders(answer, `${route.key} → ${answer.status}`);
    }
  });
});

describe('requestPath', () => {
  it('answers the path of a request target that decodes', () => {
    expect(requestPath('/event/1?x=%ZZ')).toBe('/event/1');
    expect(requestPath('/a%2Fb/caf%C3%A9')).toBe('/a%2Fb/caf%C3%A9');
  });

  it.each(['/%ZZ', '/%', '/%C0%AF', '/%E2%82/', '/%ED%A0%80', '/%C3/%A9', 'http://['])(
    'answers null for %s',
    (target) => {
      expect(requestPath(target)).toBeNull();
    },
  );
});
