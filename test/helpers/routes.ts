// What cross-route tests know about the route table: plausible path values per parameter name,
// each route's declared schemas, and the error shape of each dialect.
import { expect } from 'vitest';
import type * as z from 'zod';
import type { RouteDefinition } from '../../functions/http/route-handler.ts';
import { type Dialect, type Route, routes, splitRouteKey } from '../../infra/routes.ts';
import { authentikErrorShape } from '../../lib/dialects/authentik.ts';
import { oneginiErrorShape } from '../../lib/dialects/onegini.ts';
import { plainErrorShape } from '../../lib/dialects/plain.ts';
import { privacyIdeaErrorShape } from '../../lib/dialects/privacyidea.ts';
import { ssfErrorShape } from '../../lib/dialects/ssf.ts';
import type { Answer } from './service.ts';

export type { Route };
export { routes };

/**
 * A plausible value for each path parameter name, and values that must be refused (4xx).
 * A route with a parameter missing here fails the "knows every path parameter" test.
 */
export const pathParameters: Record<string, { plausible: string; invalid: string[] }> = {
  event_uuid: {
    plausible: '0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10',
    invalid: ['not-a-uuid', '0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e1g', '%00', '00000000-0000-0000-0000-000000000000'],
  },
  eventid: { plausible: '1', invalid: ['abc', '-1', '0', '1.5', '1e3', '99999999999999999999', '0x10', ' '] },
  handlermodule: { plausible: 'WebHook', invalid: [] },
  policy_uuid: { plausible: '3f2c1a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b', invalid: ['not-a-uuid', '3f2c1a4b'] },
  connector_uuid: { plausible: '6d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6', invalid: ['not-a-uuid', '6d1e2f3a'] },
  rule_uuid: { plausible: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', invalid: ['not-a-uuid', '9a8b7c6d'] },
  id: {
    plausible: '0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10.1.post_webhook',
    invalid: ['not-a-delivery', '0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10.1', '0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10.-1.x'],
  },
  stream_id: { plausible: 'f'.repeat(32), invalid: ['nope', 'F'.repeat(32), '0'.repeat(31), '%00'] },
  name: { plausible: 'logins', invalid: ['with space', 'x'.repeat(129), '%2F'] },
  asset: { plausible: 'swagger-ui.css', invalid: ['nope.js', 'package.json', '..%2Fpackage.json'] },
  file: { plausible: 'console.js', invalid: ['main.ts', 'index.html', '..%2Fbuild.ts'] },
};

export const paramsOf = (key: string) =>
  [...splitRouteKey(key).path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1] as string);

/** The route's path with each parameter filled (`values` first, then the plausible value). */
export function fillPath(key: string, values: Record<string, string> = {}): string {
  return splitRouteKey(key).path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? pathParameters[name]?.plausible ?? 'unknown-parameter'),
  );
}

export const methodOf = (route: Route) => splitRouteKey(route.key).method;

/** What a route function declares (route and zod schemas), read as the OpenAPI generator does. */
export async function definitionOf(route: Route): Promise<RouteDefinition> {
  const module = (await import(`../../functions/${route.fn}.ts`)) as { handler: { definition: RouteDefinition } };
  return module.handler.definition;
}

const errorShapes: Record<Dialect, z.ZodType> = {
  authentik: authentikErrorShape,
  onegini: oneginiErrorShape,
  privacyidea: privacyIdeaErrorShape,
  plain: plainErrorShape,
  ssf: ssfErrorShape,
};

/** The answer is an error of `status` (or any 4xx when omitted) in the route's dialect shape. */
export function expectDialectError(route: Route, answer: Answer, status?: number) {
  const where = `${route.key} answered ${answer.status} ${answer.text.slice(0, 300)}`;
  if (status === undefined) {
    expect(answer.status, where).toBeGreaterThanOrEqual(400);
    expect(answer.status, where).toBeLessThan(500);
  } else expect(answer.status, where).toBe(status);
  const parsed = errorShapes[route.dialect].safeParse(answer.body);
  expect(parsed.success, `${where}: not the ${route.dialect} error shape`).toBe(true);
}

/** A known admin without the action: 403 in the dialect's own words. */
export function expectForbidden(route: Route, answer: Answer) {
  expectDialectError(route, answer, 403);
  const where = `${route.key}: ${answer.text}`;
  switch (route.dialect) {
    case 'authentik':
      expect(answer.body, where).toEqual({ detail: 'You do not have permission to perform this action.' });
      break;
    case 'onegini':
      expect(answer.body.error_code, where).toBe(4030);
      expect(answer.body.error_message, where).toContain(route.action as string);
      break;
    case 'privacyidea':
      expect(answer.body.result.error.code, where).toBe(303);
      expect(answer.body.result.error.message, where).toContain(route.action as string);
      break;
    case 'plain':
      expect(typeof answer.body.message, where).toBe('string');
      break;
    case 'ssf':
      expect(answer.body.err, where).toBe('access_denied');
      expect(answer.body.description, where).toContain(route.action as string);
  }
}

/** The gateway's own 401 (the real HTTP API's body). */
export function expectUnauthorized(route: Route, answer: Answer) {
  expect(answer.status, `${route.key}: ${answer.text}`).toBe(401);
  expect(answer.body, route.key).toEqual({ message: 'Unauthorized' });
}
