// Mutations of a valid request. `invalidMutations` must be refused (4xx, nothing written): they
// come from the route's declared zod schemas (as JSON Schema: types, required, strictness,
// patterns), from the path parameter table, and from the rules the schemas cannot express
// (`ruleBreakers`). `noiseMutations` are odd but not necessarily wrong (unicode, control
// characters, huge or deeply nested values, prototype keys): any answer but a 5xx.
import fc from 'fast-check';
import * as z from 'zod';
import type { RouteDefinition } from '../../functions/http/route-handler.ts';
import { maxBodyBytes } from '../../functions/http/route-handler.ts';
import type { RouteRequest } from '../helpers/requests.ts';
import { fillPath, methodOf, paramsOf, pathParameters, type Route } from '../helpers/routes.ts';

export interface Mutation {
  name: string;
  apply(request: RouteRequest): RouteRequest;
}

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

const typeOfValue = (value: unknown): JsonType =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : (typeof value as JsonType);

/** The JSON types a schema admits; null when it admits anything. */
function typesOf(schema: JsonSchema): Set<JsonType> | null {
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const all = new Set<JsonType>();
    for (const member of union) {
      const types = typesOf(member);
      if (types === null) return null;
      for (const t of types) all.add(t);
    }
    return all;
  }
  if ('const' in schema) return new Set([typeOfValue(schema.const)]);
  if (schema.enum) return new Set(schema.enum.map(typeOfValue));
  if (schema.type === undefined) return null;
  const types = new Set((Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[]);
  if (types.has('number')) types.add('integer');
  return types;
}

const smallJson = fc.jsonValue({ maxDepth: 1 });
const valueOfType: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 20 }),
  number: fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
  integer: fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, -(2 ** 53))),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(smallJson, { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }),
};

/** A value of a JSON type the schema refuses, or null when it takes any type. */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const allowed = typesOf(schema);
  if (allowed === null) return null;
  const wrong = (Object.keys(valueOfType) as JsonType[]).filter((t) => !allowed.has(t));
  return wrong.length === 0 ? null : fc.oneof(...wrong.map((t) => valueOfType[t]));
}

const bodyOf = (request: RouteRequest): Record<string, unknown> => {
  if (request.json !== undefined) return request.json as Record<string, unknown>;
  if (request.form !== undefined) return { ...request.form };
  return {};
};

const withBody = (request: RouteRequest, raw: string): RouteRequest => ({
  path: request.path,
  query: request.query,
  headers: { ...request.headers, 'content-type': 'application/json' },
  raw,
});

const withJson = (request: RouteRequest, json: unknown) => withBody(request, JSON.stringify(json));

/** `key` added in front of the object's JSON text, so that `__proto__` stays an own key. */
function prefixKey(body: Record<string, unknown>, key: string, value: unknown): string {
  const rest = JSON.stringify(body).slice(1);
  return `{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === '}' ? '' : ','}${rest}`;
}

/** `key` added at the end of the object's JSON text (a duplicate key: the last one wins in JSON.parse). */
function suffixKey(body: Record<string, unknown>, key: string, value: unknown): string {
  const head = JSON.stringify(body).slice(0, -1);
  return `${head}${head === '{' ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}}`;
}

const mutation = (name: string, apply: Mutation['apply']): Mutation => ({ name, apply });
const query = (request: RouteRequest, patch: Record<string, string | undefined>) => {
  const next = { ...request.query, ...patch };
  for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
  return { ...request, query: next as Record<string, string> };
};
const hasBody = (route: Route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(methodOf(route));

/** Values the schemas cannot express but the domain refuses (query and body patches per route). */
export const ruleBreakers: Record<string, Mutation[]> = {
  'GET /events/events/': [
    ...['0', '1001', '-1', 'abc', '1e3', '99999999999999999999', '1.5', ' 1'].map((v) =>
      mutation(`page_size=${v}`, (r) => query(r, { page_size: v })),
    ),
    ...['0', '-1', 'abc', '99999999999', '1e3'].map((v) => mutation(`page=${v}`, (r) => query(r, { page: v }))),
    // `action` is a substring filter (authentik's icontains): any text is valid, `nope` finds nothing.
    mutation('actions=login,nope', (r) => query(r, { actions: 'login,nope' })),
    ...['999.1.1.1', 'abc', '10.0.0.0/99', '::g', ''].map((v) =>
      mutation(`client_ip=${v}`, (r) => query(r, { client_ip: v })),
    ),
    ...['yesterday', '2020-13-45T00:00', '2020-01-01T25:00:00Z', ''].map((v) =>
      mutation(`created__gte=${v}`, (r) => query(r, { created__gte: v })),
    ),
    mutation('created__lt=0', (r) => query(r, { created__lt: '0' })),
  ],
  'GET /api/events': [
    mutation('no actor and no userId', (r) => query(r, { actor: undefined, userId: undefined })),
    mutation('empty actor', (r) => query(r, { actor: '', userId: undefined })),
    mutation('no limit', (r) => query(r, { limit: undefined })),
    ...['0', '1001', '-1', '1e2', 'abc', '99999999999999999999', '1.0', '0x10', ''].map((v) =>
      mutation(`limit=${v}`, (r) => query(r, { limit: v })),
    ),
    mutation('no offset', (r) => query(r, { offset: undefined })),
    ...['-1', 'abc', '1.5', '99999999999999999999', '1e3', ''].map((v) =>
      mutation(`offset=${v}`, (r) => query(r, { offset: v })),
    ),
  ],
  'POST /events/events/': [
    ...['nope', '', 'LOGIN', ' login', 'custom'].map((v) =>
      mutation(`action=${JSON.stringify(v)}`, (r) => withJson(r, { ...bodyOf(r), action: v })),
    ),
    ...['', '   ', '\t\n'].map((v) =>
      mutation(`app=${JSON.stringify(v)}`, (r) => withJson(r, { ...bodyOf(r), app: v })),
    ),
    ...['999.1.1.1', 'localhost', '1.2.3.4/24', ''].map((v) =>
      mutation(`client_ip=${v}`, (r) => withJson(r, { ...bodyOf(r), client_ip: v })),
    ),
    ...['yesterday', '2000-01-01T00:00:00Z', '2020-02-30T00:00:00Z', '99999-01-01T00:00:00Z'].map((v) =>
      mutation(`expires=${v}`, (r) => withJson(r, { ...bodyOf(r), expires: v })),
    ),
  ],
  'POST /event': [
    ...['name', 'event', 'handlermodule', 'action'].map((field) =>
      mutation(`without ${field}`, (r) => {
        const { [field]: _, ...rest } = bodyOf(r);
        return withJson(r, rest);
      }),
    ),
    ...[-1, '-1', 2 ** 31, '2147483648', 'abc', 1.5, '1e3'].map((v) =>
      mutation(`ordering=${v}`, (r) => withJson(r, { ...bodyOf(r), ordering: v })),
    ),
    ...['nope', '', '[]', '[1]', 'login,nope', '["login"'].map((v) =>
      mutation(`event=${v}`, (r) => withJson(r, { ...bodyOf(r), event: v })),
    ),
    mutation('position=sideways', (r) => withJson(r, { ...bodyOf(r), position: 'sideways' })),
    mutation('active=maybe', (r) => withJson(r, { ...bodyOf(r), active: 'maybe' })),
    mutation('handlermodule=Nope', (r) => withJson(r, { ...bodyOf(r), handlermodule: 'Nope' })),
    mutation('action=nope', (r) => withJson(r, { ...bodyOf(r), action: 'nope' })),
    mutation('unknown parameter', (r) => withJson(r, { ...bodyOf(r), bogus: '1' })),
    mutation('unknown option', (r) => withJson(r, { ...bodyOf(r), 'option.bogus': '1' })),
    mutation('option as an object', (r) => withJson(r, { ...bodyOf(r), 'option.level': { a: 1 } })),
    mutation('conditions not a dict', (r) => withJson(r, { ...bodyOf(r), conditions: '[1,2]' })),
    mutation('id=0', (r) => withJson(r, { ...bodyOf(r), id: '0' })),
    mutation('id=-5', (r) => withJson(r, { ...bodyOf(r), id: -5 })),
  ],
  'PATCH /event/{eventid}': [
    ...[-1, 2 ** 31, 'abc', 1.5, '1e3'].map((v) =>
      mutation(`ordering=${v}`, (r) => withJson(r, { ...bodyOf(r), ordering: v })),
    ),
    mutation('name=""', (r) => withJson(r, { ...bodyOf(r), name: '' })),
    mutation('event=[nope]', (r) => withJson(r, { ...bodyOf(r), event: ['nope'] })),
    mutation('event=[]', (r) => withJson(r, { ...bodyOf(r), event: [] })),
    mutation('active=maybe', (r) => withJson(r, { ...bodyOf(r), active: 'maybe' })),
    mutation('position=sideways', (r) => withJson(r, { ...bodyOf(r), position: 'sideways' })),
    mutation('handlermodule=Nope', (r) => withJson(r, { ...bodyOf(r), handlermodule: 'Nope' })),
    mutation('unknown option', (r) => withJson(r, { ...bodyOf(r), options: { bogus: 'x' } })),
    mutation('If-Match stale', (r) => ({ ...r, headers: { ...r.headers, 'if-match': '"999"' } })),
    mutation('If-Match garbage', (r) => ({ ...r, headers: { ...r.headers, 'if-match': 'garbage' } })),
  ],
};

/** Everything a route must refuse, derived from what it declares. */
export function invalidMutations(route: Route, definition: RouteDefinition): fc.Arbitrary<Mutation>[] {
  const found: fc.Arbitrary<Mutation>[] = [];
  const constant = (m: Mutation) => found.push(fc.constant(m));

  for (const name of paramsOf(route.key)) {
    for (const bad of pathParameters[name]?.invalid ?? []) {
      constant(
        mutation(`path ${name}=${JSON.stringify(bad)}`, (r) => ({ ...r, path: fillPath(route.key, { [name]: bad }) })),
      );
    }
  }

  // The same key twice, even with the same value, is refused (parsers disagree on which wins).
  if (hasBody(route)) {
    constant(
      mutation('body with a key twice', (r) => {
        const body = bodyOf(r);
        const [key] = Object.keys(body);
        return key === undefined ? withBody(r, '{"twice":1,"twice":1}') : withBody(r, suffixKey(body, key, body[key]));
      }),
    );
  }

  const { schemas } = definition;
  if (schemas.query) {
    const json = jsonSchema(schemas.query);
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      if (property.pattern) {
        const pattern = new RegExp(property.pattern);
        found.push(
          fc
            .string({ maxLength: 12 })
            .filter((v) => !pattern.test(v))
            .map((v) =>
              mutation(`query ${name}=${JSON.stringify(v)} (not /${property.pattern}/)`, (r) =>
                query(r, { [name]: v }),
              ),
            ),
        );
      }
      if (property.enum) {
        found.push(
          fc
            .string({ maxLength: 12 })
            .filter((v) => !property.enum?.includes(v))
            .map((v) => mutation(`query ${name}=${JSON.stringify(v)} (not a choice)`, (r) => query(r, { [name]: v }))),
        );
      }
    }
    if (json.additionalProperties === false) {
      constant(mutation('unknown query parameter', (r) => query(r, { bogus_parameter: '1' })));
    }
  }

  if (hasBody(route)) {
    constant(mutation('malformed JSON', (r) => withBody(r, '{"a":')));
    constant(
      mutation('malformed JSON: trailing comma', (r) => withBody(r, `${JSON.stringify(bodyOf(r)).slice(0, -1)},}`)),
    );
    constant(mutation('malformed JSON: single quotes', (r) => withBody(r, "{'a': 1}")));
    constant(mutation('malformed JSON: NaN', (r) => withBody(r, '{"a": NaN}')));
    constant(
      mutation('unsupported media type', (r) => ({
        ...withBody(r, JSON.stringify(bodyOf(r))),
        headers: { ...r.headers, 'content-type': 'text/plain' },
      })),
    );
    constant(
      mutation(`a body over ${maxBodyBytes} bytes`, (r) =>
        withJson(r, { ...bodyOf(r), padding: 'x'.repeat(maxBodyBytes + 1) }),
      ),
    );
  }

  if (schemas.body) {
    const json = jsonSchema(schemas.body);
    const top = wrongValue(json);
    if (top) found.push(top.map((v) => mutation(`body ${JSON.stringify(v)}`, (r) => withJson(r, v))));
    for (const name of json.required ?? []) {
      constant(
        mutation(`body without ${name}`, (r) => {
          const { [name]: _, ...rest } = bodyOf(r);
          return withJson(r, rest);
        }),
      );
    }
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const wrong = wrongValue(property);
      if (!wrong) continue;
      found.push(
        wrong.map((v) =>
          mutation(`body ${name}=${JSON.stringify(v)}`, (r) => withJson(r, { ...bodyOf(r), [name]: v })),
        ),
      );
      // A duplicate key whose last value is wrong: JSON.parse keeps the last one.
      found.push(
        wrong.map((v) =>
          mutation(`body duplicate ${name}, last=${JSON.stringify(v)}`, (r) =>
            withBody(r, suffixKey(bodyOf(r), name, v)),
          ),
        ),
      );
    }
    if (json.additionalProperties === false) {
      for (const key of ['bogus', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
        constant(
          mutation(`body with unknown key ${key}`, (r) => withBody(r, prefixKey(bodyOf(r), key, { polluted: 'yes' }))),
        );
      }
    }
  }

  for (const m of ruleBreakers[route.key] ?? []) constant(m);
  return found;
}

// In a path or query: a URL beyond the gateway's header limit never reaches a function.
const oddShortText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u2028', '\ufeff', '\u202e', '\ud83d\ude00'),
    maxLength: 20,
  }),
  fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', '%00', '{{7*7}}', "' OR '1'='1", '<script>', 'null'),
  fc.integer({ min: 100, max: 1_000 }).map((n) => 'é'.repeat(n)),
);

/** In a body: also huge strings, up to the body limit and past it. */
const oddText = fc.oneof(
  oddShortText,
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'é'.repeat(n)),
);

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { n: value } : [value];
  return value;
}

const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** Odd values anywhere a value is free: never a 5xx, and a refusal writes nothing. */
/** Keys named after Object.prototype members, each at the top of the valid body: checked one by one. */
export const prototypeKeyNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

export function withPrototypeKey(request: RouteRequest, key: string): RouteRequest {
  return withBody(request, prefixKey(bodyOf(request), key, { polluted: 'yes' }));
}

/** True when the route's body schema refuses unknown keys. */
export function strictBody(definition: RouteDefinition): boolean {
  return definition.schemas.body !== undefined && jsonSchema(definition.schemas.body).additionalProperties === false;
}

export const routeTakesBody = hasBody;

export function noiseMutations(route: Route, definition: RouteDefinition): fc.Arbitrary<Mutation>[] {
  const found: fc.Arbitrary<Mutation>[] = [];
  const { schemas } = definition;
  for (const name of paramsOf(route.key)) {
    found.push(
      oddShortText
        .filter((v) => v !== '' && v !== '.' && v !== '..')
        .map((v) =>
          mutation(`path ${name}=${JSON.stringify(v.slice(0, 40))}`, (r) => ({
            ...r,
            path: fillPath(route.key, { [name]: v }),
          })),
        ),
    );
  }
  if (schemas.query) {
    const names = Object.keys(jsonSchema(schemas.query).properties ?? {});
    const name = fc.oneof(fc.constantFrom('bogus', '__proto__', 'constructor', ...names), fc.string({ maxLength: 10 }));
    found.push(
      fc
        .tuple(name, oddShortText)
        .map(([key, v]) =>
          mutation(`query ${JSON.stringify(key)}=${JSON.stringify(v.slice(0, 40))}`, (r) => query(r, { [key]: v })),
        ),
    );
  }
  if (hasBody(route)) {
    const json = schemas.body ? jsonSchema(schemas.body) : {};
    const names = Object.keys(json.properties ?? {});
    const field = names.length > 0 ? fc.constantFrom(...names) : fc.string({ minLength: 1, maxLength: 10 });
    found.push(
      fc
        .tuple(field, oddText)
        .map(([key, v]) =>
          mutation(`body ${key}=${JSON.stringify(v.slice(0, 40))}`, (r) => withJson(r, { ...bodyOf(r), [key]: v })),
        ),
      fc
        .tuple(field, fc.integer({ min: 1, max: 100 }), fc.jsonValue({ maxDepth: 0 }))
        .map(([key, depth, leaf]) =>
          mutation(`body ${key} nested ${depth} deep`, (r) =>
            withJson(r, { ...bodyOf(r), [key]: nested(depth, leaf) }),
          ),
        ),
      fc.tuple(prototypeKey, fc.option(field, { nil: undefined })).map(([key, inside]) =>
        mutation(`body ${inside ?? ''}.${key} = {polluted}`, (r) => {
          const body = bodyOf(r);
          if (inside === undefined) return withBody(r, prefixKey(body, key, { polluted: 'yes' }));
          const inner = body[inside];
          const innerText =
            inner !== null && typeof inner === 'object' && !Array.isArray(inner)
              ? prefixKey(inner as Record<string, unknown>, key, { polluted: 'yes' })
              : `{${JSON.stringify(key)}:{"polluted":"yes"}}`;
          const { [inside]: _, ...rest } = body;
          return withBody(
            r,
            `${JSON.stringify(rest).slice(0, -1)}${Object.keys(rest).length > 0 ? ',' : ''}${JSON.stringify(inside)}:${innerText}}`,
          );
        }),
      ),
      fc
        .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 })
        .map((extra) =>
          mutation(`body extra ${JSON.stringify(extra).slice(0, 60)}`, (r) => withJson(r, { ...extra, ...bodyOf(r) })),
        ),
      fc
        .tuple(field, fc.oneof(fc.double(), fc.constantFrom(1e300, -1e300, 5e-324, 2 ** 64, -0, 1e126, 1e-131)))
        .map(([key, v]) => mutation(`body ${key}=${v}`, (r) => withJson(r, { ...bodyOf(r), [key]: v }))),
    );
  }
  return found;
}
