// The OpenAPI 3.1 document, derived from the route table and the zod schemas each route
// function declares (functions/http/route-handler.ts): nothing here restates a route.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { RouteDefinition } from '../functions/http/route-handler.ts';
import { authentikErrorShape } from '../lib/dialects/authentik.ts';
import { oneginiErrorShape } from '../lib/dialects/onegini.ts';
import { plainErrorShape } from '../lib/dialects/plain.ts';
import { privacyIdeaErrorShape, privacyIdeaShape } from '../lib/dialects/privacyidea.ts';
import { serviceVersion } from '../lib/version.ts';
import { type Dialect, routes, splitRouteKey } from './routes.ts';

export const documentPath = fileURLToPath(new URL('../openapi.json', import.meta.url));

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const dialectErrors: Record<Dialect, z.ZodType> = {
  authentik: authentikErrorShape,
  onegini: oneginiErrorShape,
  privacyidea: privacyIdeaErrorShape,
  plain: plainErrorShape,
};

// Success bodies of routes that declare none: the dialect's own envelope around anything.
const dialectSuccess: Record<Dialect, z.ZodType> = {
  authentik: z.unknown(),
  onegini: z.unknown(),
  privacyidea: privacyIdeaShape(z.unknown()),
  plain: z.unknown(),
};

const errorStatuses: Record<Dialect, Record<string, string>> = {
  authentik: {
    '400': 'Invalid input (DRF field errors)',
    '403': 'Missing policy action',
    '404': 'Not found',
    '413': 'Body too large',
  },
  onegini: { '400': 'Invalid query (4004, 4002, 4003)', '403': 'Missing policy action (4030)' },
  privacyidea: {
    '400': 'Invalid parameter (905)',
    '403': 'Missing policy action (303)',
    '404': 'Unknown binding (601)',
  },
  plain: {},
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function operation(definition: RouteDefinition) {
  const { route, schemas } = definition;
  const dialect = route.dialect;
  const response = schemas.response;
  const responses: Record<string, unknown> = {
    [String(response?.status ?? 200)]: {
      description: response?.description ?? 'Success',
      ...(response?.status === 308
        ? { headers: { location: { schema: { type: 'string' } } } }
        : {
            content: {
              'application/json': { schema: jsonSchema(response?.body ?? dialectSuccess[dialect], 'output') },
            },
          }),
    },
  };
  const errorBody = { content: { 'application/json': { schema: jsonSchema(dialectErrors[dialect], 'output') } } };
  for (const [status, description] of Object.entries(errorStatuses[dialect]))
    responses[status] = { description, ...errorBody };
  if (route.action !== null) {
    responses['401'] = {
      description: 'No or unknown credential (answered by the gateway)',
      content: { 'application/json': { schema: jsonSchema(plainErrorShape, 'output') } },
    };
  }
  const pathParameters = parameters(schemas.path, 'path');
  const { path } = splitRouteKey(route.key);
  // Path parameters not described by a schema (e.g. parsed by a transform) still need listing.
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!pathParameters.some((p) => p.name === name)) {
      pathParameters.push({ name: name as string, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  return {
    operationId: route.fn,
    tags: [dialect],
    ...(route.action === null ? { security: [] } : { description: `Policy action: \`${route.action}\`.` }),
    parameters: [...pathParameters, ...parameters(schemas.query, 'query')],
    ...(schemas.body && {
      requestBody: {
        required: !schemas.mergeQuery,
        content: {
          'application/json': { schema: jsonSchema(schemas.body, 'input') },
          ...(dialect === 'privacyidea' && {
            'application/x-www-form-urlencoded': { schema: jsonSchema(schemas.body, 'input') },
          }),
        },
      },
    }),
    responses,
  };
}

export async function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const module = (await import(`../functions/${route.fn}.ts`)) as { handler: { definition: RouteDefinition } };
    const { method, path } = splitRouteKey(route.key);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = operation(module.handler.definition);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'idp-event-hub',
      version: serviceVersion,
      description: 'Identity-platform events in three dialects: authentik, Onegini and privacyIDEA.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'authentik clients: `Authorization: Bearer <token>`.' },
        privacyidea: {
          type: 'apiKey',
          in: 'header',
          name: 'PI-Authorization',
          description: 'privacyIDEA clients (or a bare `Authorization: <token>`).',
        },
        basic: { type: 'http', scheme: 'basic', description: 'Onegini clients: `<admin>:<token>`.' },
      },
    },
    security: [{ bearer: [] }, { privacyidea: [] }, { basic: [] }],
    paths,
  };
}

export const renderDocument = async () => `${JSON.stringify(await buildDocument(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await renderDocument();
  if (process.argv.includes('--check')) {
    const current = readFileSync(documentPath, 'utf8');
    if (current !== text) {
      console.error('openapi.json is out of date: run `npm run openapi`');
      process.exit(1);
    }
  } else {
    writeFileSync(documentPath, text);
    console.log(`wrote ${documentPath}`);
  }
}
