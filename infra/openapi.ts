// The OpenAPI 3.1 document, derived from the route table, the zod schemas each route function
// declares (functions/http/route-handler.ts) and the dialects' own error mappers: nothing here
// restates a route, and every error example is what the dialect really answers.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { dialects, maxBodyBytes, type RouteDefinition, securityHeaders } from '../functions/http/route-handler.ts';
import { authentikErrorShape } from '../lib/dialects/authentik.ts';
import { oneginiErrorShape } from '../lib/dialects/onegini.ts';
import { plainErrorShape } from '../lib/dialects/plain.ts';
import { privacyIdeaErrorShape, privacyIdeaShape } from '../lib/dialects/privacyidea.ts';
import { ssfErrorShape } from '../lib/dialects/ssf.ts';
import { DomainError, type ErrorCode, RateLimited } from '../lib/errors.ts';
import { serviceVersion } from '../lib/version.ts';
import { gatewayAnswers } from './local/gateway.ts';
import { type Dialect, type Route, routePattern, routes, splitRouteKey } from './routes.ts';

export const documentPath = fileURLToPath(new URL('../openapi.json', import.meta.url));

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Error bodies by dialect, each a named component; a status refers to those its examples match. */
export const errorComponents: Record<Dialect, Record<string, z.ZodType>> = {
  authentik: { AuthentikDetail: authentikErrorShape.options[0], AuthentikFieldErrors: authentikErrorShape.options[1] },
  onegini: { OneginiError: oneginiErrorShape },
  privacyidea: { PrivacyIdeaError: privacyIdeaErrorShape },
  plain: { Message: plainErrorShape },
  ssf: { SsfError: ssfErrorShape },
};
const gatewayComponent = 'Message';

export const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'authentik clients: `Authorization: Bearer <token>`.' },
  privacyidea: {
    type: 'apiKey',
    in: 'header',
    name: 'PI-Authorization',
    description: 'privacyIDEA clients (or a bare `Authorization: <token>`).',
  },
  basic: { type: 'http', scheme: 'basic', description: 'Onegini clients: `<admin>:<token>`.' },
} as const;
/** Any one of the three credential forms is enough (the authorizer accepts each). */
export const adminSecurity = Object.keys(securitySchemes).map((name) => ({ [name]: [] }));

// Success bodies of routes that declare none: the dialect's own envelope around anything.
const dialectSuccess: Record<Dialect, z.ZodType> = {
  authentik: z.unknown(),
  onegini: z.unknown(),
  privacyidea: privacyIdeaShape(z.unknown()),
  plain: z.unknown(),
  ssf: z.unknown(),
};

/**
 * Where to call it: first the API serving this document (a deployed stack's ApiUrl, or `npm start`),
 * which tools take by default; then `npm start`'s local gateway (PORT, infra/local/start.ts).
 */
const servers = [
  { url: '/', description: 'The API that serves this document at /openapi.json.' },
  {
    url: 'http://127.0.0.1:{port}',
    description: 'The local service of `npm start`.',
    variables: { port: { default: '3000', description: 'The `PORT` it was started with.' } },
  },
];

/** One tag per dialect, in this order on the docs page. */
const dialectTags: Record<Dialect, string> = {
  authentik: 'authentik (Django REST framework): errors are `{"detail": …}` or a map of field errors.',
  onegini: 'Onegini: errors are `{"error_code", "error_message"}`.',
  privacyidea: 'privacyIDEA: every answer is the JSON-RPC-like envelope; errors carry `result.error.code`.',
  plain: 'The service itself: health, this document and its docs page. Errors are `{"message"}`.',
  ssf: 'Shared Signals (OpenID SSF 1.0 transmitter): errors are `{"err", "description"}` (RFC 8935 §2.3).',
};

/** One sample of each domain error, for the examples; `satisfies` makes a new code need one. */
const sampleErrors = {
  'input.invalid': { why: 'invalid input', error: () => new DomainError('input.invalid', 'Invalid input.') },
  'input.malformed': {
    why: 'unreadable body',
    error: () => new DomainError('input.malformed', 'JSON parse error - Unexpected end of JSON input'),
  },
  'input.tooLarge': {
    why: `body above ${maxBodyBytes} bytes`,
    error: () => new DomainError('input.tooLarge', `Request body exceeds the limit of ${maxBodyBytes} bytes.`),
  },
  'auth.forbidden': {
    why: 'the admin lacks the policy action',
    error: (route: Route) => new DomainError('auth.forbidden', route.action ?? ''),
  },
  'auth.unauthenticated': {
    why: "the connector's secret does not open it",
    error: () => new DomainError('auth.unauthenticated', 'Invalid connector credentials.'),
  },
  notFound: { why: 'not found', error: () => new DomainError('notFound', 'The requested object could not be found.') },
  'input.conflict': {
    why: 'conflicts with an earlier request',
    error: () => new DomainError('input.conflict', 'This Idempotency-Key was used with a different request body.'),
  },
  'precondition.failed': {
    why: '`If-Match` no longer matches',
    error: () => new DomainError('precondition.failed', 'The object was changed since it was read.'),
  },
  'rate.limited': {
    why: 'too soon after the last request of its kind (`Retry-After` says when)',
    error: () => new RateLimited('A verification was requested less than 5 s ago; retry in 3 s.', 3),
  },
  'page.invalid': { why: 'page beyond the last', error: () => new DomainError('page.invalid', 'Invalid page.') },
  'page.tooDeep': {
    why: 'the page needs more reads than one request may make (docs/data-model.md)',
    error: () =>
      new DomainError('page.tooDeep', 'Narrow created__gte/created__lt.', [
        { field: 'page', message: 'Narrow created__gte/created__lt.' },
      ]),
  },
} satisfies Record<ErrorCode, { why: string; error: (route: Route) => DomainError }>;

/** The domain errors a route can answer: those every route can, and those it declares. */
export function errorCodesOf({ route, schemas }: RouteDefinition): ErrorCode[] {
  const codes: ErrorCode[] = ['input.invalid', 'input.malformed']; // every request's body is parsed
  if (schemas.body) codes.push('input.tooLarge');
  if (route.action !== null) codes.push('auth.forbidden');
  for (const code of schemas.errors ?? []) if (!codes.includes(code)) codes.push(code);
  return codes;
}

/** Top-level input fields of a route, for per-field invalid-input examples (Onegini's codes differ). */
function inputFields({ schemas }: RouteDefinition): string[] {
  const fields = [schemas.path, schemas.query, schemas.body].flatMap((schema) =>
    schema ? Object.keys((jsonSchema(schema, 'input').properties as JsonSchema | undefined) ?? {}) : [],
  );
  return fields.length > 0 ? fields : [''];
}

// Fixed, so the committed document does not change with the clock.
const exampleTime = 1767225600;
const stable = (body: unknown) =>
  body !== null && typeof body === 'object' && typeof (body as { time?: unknown }).time === 'number'
    ? { ...body, time: exampleTime }
    : body;

interface ErrorStatus {
  whys: string[];
  examples: Record<string, { summary: string; value: unknown }>;
  components: Record<string, z.ZodType>;
  /** Answered by API Gateway itself: no headers of ours (HTTP APIs cannot change them). */
  byGateway: boolean;
}

/** Every error a route can answer, by status, with what its dialect really answers as examples. */
export function errorResponses(definition: RouteDefinition): Map<number, ErrorStatus> {
  const { route } = definition;
  const dialect = dialects[route.dialect];
  const statuses = new Map<number, ErrorStatus>();
  const seen = new Set<string>();
  const add = (name: string, why: string, reply: { status: number; body: unknown }, byGateway = false) => {
    const components = byGateway ? { [gatewayComponent]: plainErrorShape } : errorComponents[route.dialect];
    const known = statuses.get(reply.status);
    // A status both the route and the gateway answer (429) is described by both shapes.
    const entry = known
      ? { ...known, components: { ...known.components, ...components }, byGateway: known.byGateway && byGateway }
      : { whys: [], examples: {}, components, byGateway };
    statuses.set(reply.status, entry);
    if (!entry.whys.includes(why)) entry.whys.push(why);
    const value = stable(reply.body);
    // Per-field examples only where the body differs by more than the field's name and message.
    const field = /\((.*)\)$/.exec(name)?.[1];
    const blank = JSON.stringify(value, (_key, v) => (typeof v === 'string' ? '' : v));
    const key = `${reply.status} ${field ? blank.replaceAll(`"${field}"`, '"<field>"') : blank}`;
    if (seen.has(key)) return;
    seen.add(key);
    entry.examples[name] = { summary: why, value };
  };
  for (const code of errorCodesOf(definition)) {
    const sample = sampleErrors[code];
    if (code !== 'input.invalid') {
      add(code, sample.why, dialect.error(sample.error(route)));
      continue;
    }
    for (const field of inputFields(definition)) {
      const issue = { field, message: 'Invalid input.' };
      const error = new DomainError(code, `${field || 'input'}: ${issue.message}`, [issue]);
      add(field ? `${code} (${field})` : code, sample.why, dialect.error(error));
    }
  }
  add('internal', 'unexpected error (logged, never detailed)', dialect.error(new Error('example')));
  if (route.action !== null) {
    add('unauthorized', 'no or unknown credential (the gateway answers)', gatewayAnswers.unauthorized, true);
  }
  add('throttled', 'over the stage throttling limit (the gateway answers)', gatewayAnswers.throttled, true);
  return statuses;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function errorSchema(status: number, entry: ErrorStatus): JsonSchema {
  const values = Object.values(entry.examples).map((example) => example.value);
  const matching = Object.entries(entry.components)
    .filter(([, shape]) => values.some((value) => shape.safeParse(value).success))
    .map(([name]) => ref(name));
  const unmatched = values.filter((value) => !Object.values(entry.components).some((s) => s.safeParse(value).success));
  if (unmatched.length > 0)
    throw new Error(`status ${status}: no error shape describes ${JSON.stringify(unmatched[0])}`);
  return matching.length === 1 ? (matching[0] as JsonSchema) : { oneOf: matching };
}

const headerRefs = Object.fromEntries(
  Object.keys(securityHeaders)
    .filter((name) => name !== 'content-type')
    .map((name) => [name, { $ref: `#/components/headers/${name}` }]),
);

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  // A parameter's own description is what swagger-ui shows next to it.
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof description === 'string' && { description }),
    schema: property,
  }));
}

function operation(definition: RouteDefinition) {
  const { route, schemas } = definition;
  const dialect = route.dialect;
  const response = schemas.response;
  const status = response?.status ?? 200;
  const successHeaders: Record<string, unknown> = { ...headerRefs };
  for (const [name, description] of Object.entries(response?.headers ?? {}))
    successHeaders[name] = { description, schema: { type: 'string' } };
  if (status >= 300 && status < 400) successHeaders.location ??= { schema: { type: 'string' } };
  const responses: Record<string, unknown> = {
    [String(status)]: {
      description: response?.description ?? 'Success',
      headers: successHeaders,
      ...(status >= 300 && status < 400
        ? {}
        : {
            content: Object.fromEntries(
              (response?.mediaTypes ?? ['application/json']).map((type) => [
                type,
                { schema: jsonSchema(response?.body ?? dialectSuccess[dialect], 'output') },
              ]),
            ),
          }),
    },
  };
  for (const [code, entry] of [...errorResponses(definition)].sort(([a], [b]) => a - b)) {
    responses[String(code)] = {
      description: entry.whys.map((why) => why[0]?.toUpperCase() + why.slice(1)).join('; '),
      ...(entry.byGateway ? {} : { headers: headerRefs }),
      content: { 'application/json': { schema: errorSchema(code, entry), examples: entry.examples } },
    };
  }
  const pathParameters = parameters(schemas.path, 'path');
  const { path } = splitRouteKey(route.key);
  // Path parameters not described by a schema (e.g. parsed by a transform) still need listing.
  for (const name of routePattern(path).params) {
    if (!pathParameters.some((p) => p.name === name)) {
      pathParameters.push({ name: name as string, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  const headerParameters = Object.entries(schemas.headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  }));
  return {
    operationId: route.fn,
    summary: schemas.summary,
    tags: [dialect],
    ...(route.action === null ? {} : { description: `Policy action: \`${route.action}\`.` }),
    security: route.action === null ? [] : adminSecurity,
    parameters: [...pathParameters, ...parameters(schemas.query, 'query'), ...headerParameters],
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

/** Each route's declaration, in the order of the route table. */
export async function routeDefinitions(): Promise<RouteDefinition[]> {
  return Promise.all(
    routes.map(async (route) => {
      const module = (await import(`../functions/${route.fn}.ts`)) as { handler: { definition: RouteDefinition } };
      return module.handler.definition;
    }),
  );
}

export async function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const definition of await routeDefinitions()) {
    const { method, path } = splitRouteKey(definition.route.key);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = operation(definition);
  }
  const schemas = Object.fromEntries(
    Object.values(errorComponents).flatMap((shapes) =>
      Object.entries(shapes).map(([name, shape]) => [name, jsonSchema(shape, 'output')]),
    ),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'idp-event-hub',
      version: serviceVersion,
      description: 'Identity-platform events in three dialects: authentik, Onegini and privacyIDEA.',
      // package.json is private and names no license: none is granted.
      license: { name: 'Proprietary: all rights reserved' },
    },
    servers,
    components: {
      schemas,
      headers: Object.fromEntries(
        Object.entries(securityHeaders)
          .filter(([name]) => name !== 'content-type')
          .map(([name, value]) => [
            name,
            { description: 'On every answer.', schema: { type: 'string', const: value } },
          ]),
      ),
      securitySchemes,
    },
    security: adminSecurity,
    tags: Object.entries(dialectTags).map(([name, description]) => ({ name, description })),
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
