// fast-check properties of the query language: parseQuery never throws; printing a valid tree
// and parsing it back gives the tree (and printing is stable); evaluation agrees with a
// straightforward reference written here, over random events and random queries.
import { isIP } from 'node:net';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { eventActions } from '../../../lib/events/actions.ts';
import {
  type Comparison,
  type ComparisonOperator,
  evaluate,
  type Literal,
  type Operand,
  parseQuery,
  printQuery,
  type Query,
  type QueryEvent,
  queryLimits,
} from '../../../lib/query/akql.ts';

const runs = { numRuns: 2_000 };

// ---- pools: small, so that random events and random queries meet ----

const uuids = [
  '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  '0193a1b2-0000-7000-8000-000000000001',
  'ffffffff-ffff-7fff-bfff-ffffffffffff',
];
const uuidSpellings = [
  ...uuids,
  '0193A1B2C3D47E5F8A9B0C1D2E3F4A5B',
  '{0193a1b2-0000-7000-8000-000000000001}',
  '00000000-0000-0000-0000-000000000000',
];
const actions = ['login', 'login_failed', 'logout', 'model_created', 'custom_thing'];
const actionLiterals = [...actions, 'Login Failed', 'Model Created', 'LOGIN', 'log', 'failed', 'custom_'];
const apps = ['authentik.core', 'authentik.events', 'Other'];
const ips = ['10.1.2.3', '192.0.2.7', '2001:db8::1', '2001:DB8:0::1', '::ffff:10.1.2.3', 'fe80::1'];
const networks = [
  '10.0.0.0/8',
  '192.0.2.0/24',
  '2001:db8::/32',
  '::/0',
  '0.0.0.0/0',
  '10.1.2.3',
  '::ffff:10.0.0.0/104',
];
const createds = ['2026-11-30T05:09:00.120Z', '2026-11-30T00:00:00.000Z', '2025-01-01T12:00:00.000Z'];
const timestamps = [
  '2026-11-30',
  '2026-11-30 05:09',
  '2026-11-30 05:09:00',
  '2025-01-01 12:00',
  '2026-11-30T05:09:00.120Z',
  '2026-11-30T00:00:00.000Z',
];
const strings = [
  'alice',
  'Alice',
  'DE',
  'de',
  '',
  'a',
  'Straße',
  'STRASSE',
  '5',
  '0.25',
  'true',
  '10.1',
  'x"y',
  '2026-11',
];
const numbers = [0, 5, -1, 0.25, 4.5, 1e21];

const scalar = fc.oneof(fc.constantFrom(...strings), fc.constantFrom(...numbers), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('x', 'y', 'country'), tie('value'), { maxKeys: 2 }),
  ),
})).value;

const eventArb: fc.Arbitrary<QueryEvent> = fc.record({
  pk: fc.constantFrom(...uuids),
  user: fc.record(
    {
      username: fc.constantFrom('alice', 'Alice', 'bob', ''),
      pk: fc.oneof(fc.constantFrom(5, 7), fc.constant('5')),
      email: fc.constant('a@x.org'),
    },
    { requiredKeys: [] },
  ),
  action: fc.constantFrom(...actions),
  app: fc.constantFrom(...apps),
  context: fc.record(
    {
      geo: fc.record(
        { country: fc.oneof(fc.constantFrom('DE', 'NL', 'de'), fc.constant(null)), ip: fc.constantFrom(...ips) },
        { requiredKeys: [] },
      ),
      n: scalar,
      ok: fc.boolean(),
      x: json,
    },
    { requiredKeys: [] },
  ),
  client_ip: fc.oneof(fc.constantFrom(...ips), fc.constant(null)),
  created: fc.constantFrom(...createds),
  brand: fc.record({ name: fc.constantFrom('default', 'Other') }, { requiredKeys: [] }),
}) as fc.Arbitrary<QueryEvent>;

// ---- random valid queries ----

const equality: ComparisonOperator[] = ['=', '!='];
const ordering: ComparisonOperator[] = ['>', '>=', '<', '<='];
const textual: ComparisonOperator[] = ['~', '!~', 'startswith', 'not startswith', 'endswith', 'not endswith'];
const membership: ComparisonOperator[] = ['in', 'not in'];

const comparison = (path: string, operator: ComparisonOperator, operand: Operand): Comparison => ({
  type: 'comparison',
  path: path.split('.'),
  operator,
  operand,
});
const literalOf = (value: Literal): Operand => ({ kind: 'literal', value });
const listOf = (items: fc.Arbitrary<Literal>) =>
  fc.array(items, { minLength: 1, maxLength: 4 }).map((list): Operand => ({ kind: 'list', items: list }));

/** Comparisons on one field: `valid` are the literals its schema takes for = / ordering / in. */
function fieldComparisons(
  paths: fc.Arbitrary<string>,
  valid: fc.Arbitrary<Literal>,
  options: { ordered?: fc.Arbitrary<Literal>; cidr?: boolean; text?: fc.Arbitrary<string> } = {},
): fc.Arbitrary<Comparison> {
  const text = options.text ?? fc.constantFrom(...strings);
  const choices: fc.Arbitrary<Comparison>[] = [
    fc.tuple(paths, fc.constantFrom(...equality), valid).map(([p, o, v]) => comparison(p, o, literalOf(v))),
    fc.tuple(paths, fc.constantFrom(...textual), text).map(([p, o, v]) => comparison(p, o, literalOf(v))),
    fc.tuple(paths, fc.constantFrom(...membership), listOf(valid)).map(([p, o, v]) => comparison(p, o, v)),
  ];
  if (options.ordered)
    choices.push(
      fc.tuple(paths, fc.constantFrom(...ordering), options.ordered).map(([p, o, v]) => comparison(p, o, literalOf(v))),
    );
  if (options.cidr)
    choices.push(
      fc
        .tuple(
          paths,
          fc.constantFrom(...membership),
          fc.array(fc.constantFrom(...networks), { minLength: 1, maxLength: 3 }),
        )
        .map(([p, o, list]) => comparison(p, o, { kind: 'cidr', networks: list })),
    );
  return fc.oneof(...choices);
}

const poolComparison: fc.Arbitrary<Comparison> = fc.oneof(
  fieldComparisons(fc.constant('action'), fc.constantFrom(...actionLiterals), {
    ordered: fc.constantFrom(...actionLiterals),
    text: fc.constantFrom(...actionLiterals),
  }),
  fieldComparisons(fc.constant('app'), fc.constantFrom(...apps), { ordered: fc.constantFrom(...apps) }),
  fieldComparisons(fc.constant('event_uuid'), fc.constantFrom(...uuidSpellings), {
    ordered: fc.constantFrom(...uuidSpellings),
    text: fc.constantFrom('0193', '7E5F', 'ffff-', 'x'),
  }),
  fieldComparisons(fc.constant('client_ip'), fc.oneof(fc.constantFrom(...ips), fc.constant(null)), {
    ordered: fc.constantFrom(...ips),
    cidr: true,
    text: fc.constantFrom('10.1', '2001:DB8', '::', '.7'),
  }),
  fieldComparisons(fc.constant('created'), fc.constantFrom(...timestamps), {
    ordered: fc.constantFrom(...timestamps),
    text: fc.constantFrom('2026-11', '05:09:00.12+00', ' 00:00:00+00', 'T05', '2026-11-30 05'),
  }),
  fieldComparisons(
    fc.constantFrom(
      'user.username',
      'user.pk',
      'user.missing',
      'brand.name',
      'context.geo.country',
      'context.geo.ip',
      'context.n',
      'context.ok',
      'context.x',
      'context.x.x',
      'context.geo',
    ),
    scalar,
    { ordered: fc.oneof(fc.constantFrom(...strings), fc.constantFrom(...numbers)), cidr: true },
  ),
);

const treeOf = (leaf: fc.Arbitrary<Comparison>, maxDepth: number): fc.Arbitrary<Query> =>
  fc.letrec<{ query: Query }>((tie) => ({
    query: fc.oneof(
      { maxDepth, depthSize: 'small' },
      leaf,
      fc
        .tuple(fc.constantFrom('and' as const, 'or' as const), tie('query'), tie('query'))
        .map(([operator, left, right]): Query => ({ type: 'logical', operator, left, right })),
    ),
  })).query;

// ---- any valid tree, for print → parse: arbitrary strings, numbers and JSON paths ----

const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyString = fc.oneof(fc.string({ unit: anyChar, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const anyNumber = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));
const anyLiteral: fc.Arbitrary<Literal> = fc.oneof(anyString, anyNumber, fc.boolean(), fc.constant(null));
const key = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,6}$/);
const jsonPath = fc
  .tuple(fc.constantFrom('user', 'brand', 'context'), fc.array(key, { minLength: 1, maxLength: 4 }))
  .map(([root, keys]) => [root, ...keys].join('.'));
const anyComparison: fc.Arbitrary<Comparison> = fc.oneof(
  poolComparison,
  fieldComparisons(jsonPath, anyLiteral, { ordered: fc.oneof(anyString, anyNumber), cidr: true, text: anyString }),
  fieldComparisons(fc.constantFrom('action', 'app'), anyString, { ordered: anyString, text: anyString }),
);

// ---- the reference: the documented rules, written out plainly ----

const label = (action: string) =>
  action === 'custom_'
    ? 'Custom Prefix'
    : action
        .split('_')
        .map((word) => word.slice(0, 1).toUpperCase() + word.slice(1))
        .join(' ');
const choiceValue = (value: string) =>
  (eventActions as readonly string[]).includes(value)
    ? value
    : (eventActions.find((action) => label(action) === value) ?? value);
const uuidHex = (value: string) =>
  value.toLowerCase().replace('urn:uuid:', '').replace('{', '').replace('}', '').replaceAll('-', '');
const sameAddress = (a: string, b: string) => ipaddr.parse(a).toString() === ipaddr.parse(b).toString();
const asV6 = (address: string): ipaddr.IPv6 => {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? (parsed as ipaddr.IPv4).toIPv4MappedAddress() : (parsed as ipaddr.IPv6);
};
const inNetwork = (ip: string, network: string) => {
  // ipaddr.js alone would read `5` and `10.1` as IPv4 addresses.
  if (isIP(ip) === 0) return false;
  const [address = '', bits] = network.split('/');
  const v4 = ipaddr.parse(address).kind() === 'ipv4';
  const prefix = bits === undefined ? (v4 ? 32 : 128) : Number(bits);
  return asV6(ip).match(asV6(address), v4 ? prefix + 96 : prefix);
};
const timestamp = (text: string) => {
  if (text.includes('T')) return Date.parse(text);
  const [y, m, d, hh = 0, mm = 0, ss = 0] = text.split(/[- :]/).map(Number);
  return Date.UTC(y as number, (m as number) - 1, d, hh, mm, ss);
};
const postgresTimestamp = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.?0*Z$/, '+00');
const upper = (text: string) => text.toUpperCase();
const textTest = (operator: string, text: string | undefined, literal: string) =>
  text !== undefined &&
  (operator === '~'
    ? upper(text).includes(upper(literal))
    : operator === 'startswith'
      ? upper(text).startsWith(upper(literal))
      : upper(text).endsWith(upper(literal)));
const ordered = (operator: string, a: string | number, b: string | number) =>
  operator === '>' ? a > b : operator === '>=' ? a >= b : operator === '<' ? a < b : a <= b;
const jsonText = (value: unknown) =>
  typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? Number.isInteger(value)
        ? BigInt(value).toString()
        : String(value)
      : typeof value === 'boolean'
        ? String(value)
        : undefined;
const negations: Record<string, ComparisonOperator> = {
  '!=': '=',
  '!~': '~',
  'not startswith': 'startswith',
  'not endswith': 'endswith',
  'not in': 'in',
};

function reference(query: Query, event: QueryEvent): boolean {
  if (query.type === 'logical')
    return query.operator === 'and'
      ? reference(query.left, event) && reference(query.right, event)
      : reference(query.left, event) || reference(query.right, event);
  const negated = negations[query.operator];
  if (negated) return !reference({ ...query, operator: negated }, event);
  const { operator, operand } = query;
  const [root = '', ...keys] = query.path;
  if (operand.kind === 'list')
    return operand.items.some((item) => reference({ ...query, operator: '=', operand: literalOf(item) }, event));
  let value: unknown;
  if (root === 'user' || root === 'brand' || root === 'context') {
    value = event[root];
    for (const k of keys)
      value =
        value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, k)
          ? (value as Record<string, unknown>)[k]
          : undefined;
  } else
    value = {
      action: event.action,
      app: event.app,
      event_uuid: event.pk,
      client_ip: event.client_ip,
      created: event.created,
    }[root];
  if (operand.kind === 'cidr') return typeof value === 'string' && operand.networks.some((n) => inNetwork(value, n));
  const literal = operand.value;
  const isText = operator === '~' || operator === 'startswith' || operator === 'endswith';
  switch (root) {
    case 'user':
    case 'brand':
    case 'context':
      if (isText) return textTest(operator, jsonText(value), literal as string);
      if (operator === '=') return literal === null ? value === undefined || value === null : value === literal;
      return typeof value === typeof literal && ordered(operator, value as string, literal as string);
    case 'created':
      if (isText) return textTest(operator, postgresTimestamp(value as string), literal as string);
      if (operator === '=') return Date.parse(value as string) === timestamp(literal as string);
      return ordered(operator, Date.parse(value as string), timestamp(literal as string));
    case 'client_ip':
      if (literal === null) return value === null;
      if (value === null) return false;
      if (isText) return textTest(operator, value as string, literal as string);
      if (operator === '=') return sameAddress(value as string, literal as string);
      return ordered(operator, value as string, literal as string);
    case 'event_uuid':
      if (isText) return textTest(operator, value as string, literal as string);
      if (operator === '=') return uuidHex(value as string) === uuidHex(literal as string);
      return ordered(operator, uuidHex(value as string), uuidHex(literal as string));
    default: {
      const wanted = root === 'action' ? choiceValue(literal as string) : (literal as string);
      if (isText) return textTest(operator, value as string, wanted);
      if (operator === '=') return value === wanted;
      return ordered(operator, value as string, wanted);
    }
  }
}

// ---- the properties ----

const tokenSoup = fc
  .array(
    fc.constantFrom(
      'action',
      'context.geo',
      'user.username',
      'client_ip',
      'created',
      'nope',
      '=',
      '!=',
      '>',
      '<=',
      '~',
      '!~',
      'in',
      'not',
      'startswith',
      'endswith',
      '(',
      ')',
      ',',
      '"x"',
      '"10.0.0.0/8"',
      '"2026-11-30"',
      '5',
      '-1.5e3',
      'and',
      'or',
      'True',
      'None',
      'cidr',
      '"',
      '\\',
      '-',
      '.',
      ' ',
      '\u2028',
      '\0',
    ),
    { maxLength: 40 },
  )
  .chain((parts) => fc.constantFrom(parts.join(' '), parts.join('')));

describe('query language properties', () => {
  it('parseQuery never throws, and answers a tree or an error with a position in the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: anyChar, maxLength: 200 }), tokenSoup),
        (text) => {
          const result = parseQuery(text);
          if (result.ok) {
            expect(parseQuery(printQuery(result.query))).toEqual(result);
          } else {
            expect(result.error.position).toBeGreaterThanOrEqual(1);
            expect(result.error.position).toBeLessThanOrEqual(text.length + 1);
            expect(result.error.message).toMatch(/^(Syntax error|Invalid query|Query refused) at position \d+: /);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('parseQuery never throws on texts at and past the limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom('(', 'action = "x" or ', '"', 'context.x in (1,'),
        (n, unit) => {
          expect(() => parseQuery(unit.repeat(n))).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
    expect(parseQuery('x'.repeat(queryLimits.length * 4)).ok).toBe(false);
  });

  it('parse(print(tree)) is the tree, and printing is stable', () => {
    fc.assert(
      fc.property(treeOf(anyComparison, 6), (query) => {
        const text = printQuery(query);
        const parsed = parseQuery(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
        expect(parsed.query).toEqual(query);
        expect(printQuery(parsed.query)).toBe(text);
      }),
      runs,
    );
  });

  it('evaluation agrees with the reference over random events and queries', () => {
    fc.assert(
      fc.property(treeOf(poolComparison, 4), fc.array(eventArb, { minLength: 1, maxLength: 5 }), (query, events) => {
        const parsed = parseQuery(printQuery(query));
        if (!parsed.ok) throw new Error(parsed.error.message);
        for (const event of events) {
          const expected = reference(query, event);
          expect(evaluate(query, event)).toBe(expected);
          expect(evaluate(parsed.query, event)).toBe(expected);
        }
      }),
      runs,
    );
  });

  it('single comparisons hit both outcomes often enough to mean something', () => {
    let held = 0;
    let total = 0;
    fc.assert(
      fc.property(poolComparison, eventArb, (query, event) => {
        total++;
        if (evaluate(query, event)) held++;
        expect(evaluate(query, event)).toBe(reference(query, event));
      }),
      runs,
    );
    expect(held / total).toBeGreaterThan(0.2);
    expect(held / total).toBeLessThan(0.8);
  });
});
