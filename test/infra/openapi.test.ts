import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { RouteDefinition } from '../../functions/http/route-handler.ts';
import { documentPath, errorComponents, renderDocument } from '../../infra/openapi.ts';
import { type Dialect, routes, splitRouteKey } from '../../infra/routes.ts';
import { authentikErrorShape } from '../../lib/dialects/authentik.ts';
import { oneginiErrorShape } from '../../lib/dialects/onegini.ts';
import { plainErrorShape } from '../../lib/dialects/plain.ts';
import { privacyIdeaErrorShape } from '../../lib/dialects/privacyidea.ts';
import { ssfErrorShape } from '../../lib/dialects/ssf.ts';
import { definitionOf, fillPath } from '../helpers/routes.ts';
import { type Service, startService } from '../helpers/service.ts';

// The document is plain JSON, walked by hand.
type Json = any;

const dialectShapes: Record<Dialect, z.ZodType> = {
  authentik: authentikErrorShape,
  onegini: oneginiErrorShape,
  privacyidea: privacyIdeaErrorShape,
  plain: plainErrorShape,
  ssf: ssfErrorShape,
};
const adminSecurity = [{ bearer: [] }, { privacyidea: [] }, { basic: [] }];

let service: Service;
let document: Json;
const definitions = new Map<string, RouteDefinition>();

beforeAll(async () => {
  service = await startService();
  document = JSON.parse(await renderDocument());
  for (const route of routes) definitions.set(route.key, await definitionOf(route));
});
afterAll(() => service.close());

function operationOf(key: string): Json {
  const { method, path } = splitRouteKey(key);
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${key} is not in the document`);
  return operation;
}

/** The zod shapes a documented error schema refers to (`$ref` or `oneOf` of `$ref`s). */
function shapesOf(schema: Json): z.ZodType[] {
  const refs: string[] = schema.oneOf ? schema.oneOf.map((s: Json) => s.$ref) : [schema.$ref];
  const all = Object.assign({}, ...Object.values(errorComponents)) as Record<string, z.ZodType>;
  return refs.map((ref) => {
    const name = /^#\/components\/schemas\/(\w+)$/.exec(ref ?? '')?.[1];
    expect(document.components.schemas[name ?? ''], ref).toBeDefined();
    const shape = all[name ?? ''];
    if (!shape) throw new Error(`no error shape for ${ref}`);
    return shape;
  });
}

/**
 * Redocly's recommended findings left on purpose, by rule, each with its reason; any other
 * finding fails the test, and so does a reason whose finding is gone.
 */
const acceptedFindings: Record<string, string> = {
  'no-path-trailing-slash': "the dialects' own paths (`/events/events/`, `/event/`, …) and the console's `/ui/`",
  'operation-2xx-response': '`GET /event` and `GET /ui` only redirect (308) to their trailing-slash paths',
  'info-license-strict': 'no license text to link and no SPDX identifier: the package is private and names none',
};

const withoutTime = (body: Json) => (body && typeof body.time === 'number' ? { ...body, time: 0 } : body);

describe('OpenAPI document', () => {
  it('is committed exactly as the code generates it (run `npm run openapi` after a change)', async () => {
    expect(readFileSync(documentPath, 'utf8')).toBe(await renderDocument());
  });

  it('declares every route of the table with the parameters, body and success answer its function declares', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => r.key).sort());
    for (const route of routes) {
      const { schemas } = definitions.get(route.key) as RouteDefinition;
      const operation = operationOf(route.key);
      const where = route.key;
      expect(operation.operationId, where).toBe(route.fn);
      const parameters = operation.parameters as { name: string; in: string; required: boolean }[];
      const { path } = splitRouteKey(route.key);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(parameters, `${where} path ${name}`).toContainEqual(
          expect.objectContaining({ name, in: 'path', required: true }),
        );
      }
      const query = schemas.query && (z.toJSONSchema(schemas.query, { io: 'input', unrepresentable: 'any' }) as Json);
      for (const name of Object.keys(query?.properties ?? {})) {
        expect(parameters, `${where} query ${name}`).toContainEqual(
          expect.objectContaining({ name, in: 'query', required: (query.required ?? []).includes(name) }),
        );
      }
      for (const name of Object.keys(schemas.headers ?? {})) {
        expect(parameters, `${where} header ${name}`).toContainEqual(expect.objectContaining({ name, in: 'header' }));
      }
      if (schemas.body) {
        const content = operation.requestBody.content;
        expect(content['application/json'].schema, where).toBeDefined();
        if (route.dialect === 'privacyidea') expect(content['application/x-www-form-urlencoded'], where).toBeDefined();
      } else expect(operation.requestBody, where).toBeUndefined();
      const status = schemas.response?.status ?? 200;
      const success = operation.responses[String(status)];
      expect(success, `${where} ${status}`).toBeDefined();
      if (status >= 300 && status < 400) expect(success.headers.location, where).toBeDefined();
      else
        expect(Object.keys(success.content), where).toEqual([
          ...(schemas.response?.mediaTypes ?? ['application/json']),
        ]);
      for (const header of Object.keys(schemas.response?.headers ?? {})) expect(success.headers[header]).toBeDefined();
      expect(success.headers['cache-control'], where).toBeDefined();
      expect(success.headers['x-content-type-options'], where).toBeDefined();
    }
    const onegini = operationOf('GET /api/events');
    expect(onegini.parameters.map((p: { name: string }) => p.name)).toEqual(['actor', 'userId', 'limit', 'offset']);
  });

  it('reads like a reference: a one-line summary per operation, a server, a license; Redocly finds nothing else', async () => {
    const summaries = routes.map((route) => operationOf(route.key).summary as unknown);
    for (const [i, summary] of summaries.entries()) {
      const where = routes[i]?.key;
      expect(summary, where).toEqual(expect.any(String));
      expect(summary, where).toMatch(/^[A-Z][^\n]{2,68}[^.\s]$/); // one line, no closing period
    }
    expect(new Set(summaries).size, 'each summary names its own operation').toBe(routes.length);
    expect(document.servers).toContainEqual(expect.objectContaining({ url: '/' }));
    expect(document.info.license?.name).toEqual(expect.any(String));

    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: readFileSync(documentPath, 'utf8'),
      absoluteRef: documentPath,
      config,
    });
    const unexpected = problems
      .filter((problem) => !Object.hasOwn(acceptedFindings, problem.ruleId))
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(unexpected).toEqual([]);
    expect(new Set(problems.map((problem) => problem.ruleId))).toEqual(new Set(Object.keys(acceptedFindings)));
  });

  it('has the three security schemes, one of them required on every admin route and none on public ones', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      privacyidea: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'PI-Authorization' }),
      basic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
    });
    for (const route of routes) {
      const operation = operationOf(route.key);
      expect(operation.security, route.key).toEqual(route.action === null ? [] : adminSecurity);
      if (route.action !== null) expect(operation.description, route.key).toContain(route.action);
    }
  });

  it('lets each documented scheme in, built from the document alone', async () => {
    const { bearer, privacyidea, basic } = document.components.securitySchemes;
    // HTTP auth schemes are case-insensitive: `bearer` and `basic` as the document spells them.
    const credentials: Record<string, string>[] = [
      { authorization: `${bearer.scheme} ${service.rootToken}` },
      { [privacyidea.name]: service.rootToken },
      { authorization: `${basic.scheme} ${Buffer.from(`root:${service.rootToken}`).toString('base64')}` },
    ];
    for (const headers of credentials) {
      const answer = await service.call('GET', '/event/', { token: null, headers });
      expect(answer.status, JSON.stringify(Object.keys(headers))).toBe(200);
    }
  });

  it("documents every route's errors in its dialect's shapes, with examples the shapes accept", () => {
    for (const route of routes) {
      const { schemas } = definitions.get(route.key) as RouteDefinition;
      const responses = operationOf(route.key).responses as Record<string, Json>;
      const statuses = Object.keys(responses).filter((status) => Number(status) >= 400);
      const expected = ['400', '429', '500'];
      if (route.action !== null) expected.push('401', '403');
      if (schemas.body) expected.push('413');
      expect(statuses, route.key).toEqual(expect.arrayContaining(expected));
      // A public route answers 401 only when it checks credentials of its own (a connector's secret).
      const ownCredentials = schemas.errors?.includes('auth.unauthenticated') === true;
      if (ownCredentials) expect(statuses, route.key).toContain('401');
      else if (route.action === null) expect(statuses, route.key).not.toEqual(expect.arrayContaining(['401']));
      for (const status of statuses) {
        const where = `${route.key} ${status}`;
        const { schema, examples } = responses[status].content['application/json'];
        const shapes = shapesOf(schema);
        // 401 is the gateway's, except on a route that checks credentials of its own; 429 the
        // gateway's throttling, and also the route's own where it declares rate.limited.
        const byGateway = (status === '401' && route.action !== null) || status === '429';
        const alsoOwn = status === '429' && schemas.errors?.includes('rate.limited') === true;
        expect(Object.keys(examples).length, where).toBeGreaterThan(0);
        for (const [name, example] of Object.entries(examples as Record<string, { value: unknown }>)) {
          expect(
            shapes.some((shape) => shape.safeParse(example.value).success),
            `${where} ${name}`,
          ).toBe(true);
          const gatewayAnswer = byGateway && !(alsoOwn && name === 'rate.limited');
          const own = (gatewayAnswer ? plainErrorShape : dialectShapes[route.dialect]).safeParse(example.value);
          expect(own.success, `${where} ${name}: not the ${gatewayAnswer ? 'gateway' : route.dialect} shape`).toBe(
            true,
          );
        }
        // API Gateway's own answers carry none of our headers; every answer of a function does.
        expect(responses[status].headers?.['cache-control'] === undefined, where).toBe(byGateway && !alsoOwn);
      }
    }
    const pi = operationOf('PATCH /event/{eventid}').responses;
    expect(pi['412'].content['application/json'].examples['precondition.failed'].value.result.error.code).toBe(412);
    const onegini = operationOf('GET /api/events').responses['400'].content['application/json'].examples;
    expect(Object.values(onegini).map((e: Json) => e.value.error_code)).toEqual(
      expect.arrayContaining([4002, 4003, 4004]),
    );
    const authentik = operationOf('POST /events/events/').responses['400'].content['application/json'].schema;
    expect(authentik.oneOf).toEqual([
      { $ref: '#/components/schemas/AuthentikDetail' },
      { $ref: '#/components/schemas/AuthentikFieldErrors' },
    ]);
  });

  it('says what the service really answers: 401 without a credential, 403 without the action, 400 for a bad body', async () => {
    const nobody = await service.admin('nobody', []);
    for (const route of routes) {
      const { method } = splitRouteKey(route.key);
      const { schemas } = definitions.get(route.key) as RouteDefinition;
      const responses = operationOf(route.key).responses as Record<string, Json>;
      const path = fillPath(route.key);
      if (route.action !== null) {
        const anonymous = await service.call(method, path, { token: null });
        expect(anonymous.status, `${route.key} ${anonymous.text}`).toBe(401);
        const documented = Object.values(responses['401'].content['application/json'].examples) as Json[];
        expect(documented.map((e) => e.value)).toContainEqual(anonymous.body);

        const forbidden = await service.call(method, path, { token: nobody });
        expect(forbidden.status, `${route.key} ${forbidden.text}`).toBe(403);
        const examples = Object.values(responses['403'].content['application/json'].examples) as Json[];
        expect(
          examples.map((e) => withoutTime(e.value)),
          route.key,
        ).toContainEqual(withoutTime(forbidden.body));
      }
      // A route with credentials of its own checks them before it reads the body.
      if (schemas.body && !schemas.errors?.includes('auth.unauthenticated')) {
        const malformed = await service.call(method, path, { raw: '{"unterminated' });
        expect(malformed.status, `${route.key} ${malformed.text}`).toBe(400);
        const shapes = shapesOf(responses['400'].content['application/json'].schema);
        expect(
          shapes.some((shape) => shape.safeParse(malformed.body).success),
          `${route.key} ${malformed.text}`,
        ).toBe(true);
      }
    }
  });

  it('is served at GET /openapi.json without a credential', async () => {
    const answer = await service.call('GET', '/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(readFileSync(documentPath, 'utf8')));
  });
});
