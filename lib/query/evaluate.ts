// A query run in memory on one event, as authentik runs it in PostgreSQL, with the rules
// written down where SQL's would surprise (README of lib/query: akql.ts):
// - a JSON key that is missing or JSON null is None; `= None` matches both;
// - a value of another type than the literal never compares (`context.n = "5"` is false for 5);
// - `~`, `startswith`, `endswith` ignore case (DjangoQL's icontains, istartswith, iendswith) and
//   read JSON numbers and booleans as their text, as PostgreSQL's `->>` does;
// - each `not` form (`!=`, `!~`, `not in`, …) is the exact complement of its positive form.
// No regular expression: every test is a comparison, `includes`, `startsWith` or `endsWith`.
import ipaddr from 'ipaddr.js';
import type { Event } from '../events/event.ts';
import { type Network, parseNetwork } from '../net/ip.ts';
import { hasOwnKey, valueAtPath } from '../own-keys.ts';
import type { Comparison, ComparisonOperator, Literal, Query } from './ast.ts';
import { actionLookupValue, checkComparison, fields, parseTimestamp, uuidHex } from './fields.ts';

/** What a query reads of an event (`expires` is no field of the language). */
export type QueryEvent = Pick<Event, 'pk' | 'user' | 'action' | 'app' | 'context' | 'client_ip' | 'created' | 'brand'>;

export type EventPredicate = (event: QueryEvent) => boolean;

/** Case folding for the case-insensitive operators, as PostgreSQL's UPPER on both sides. */
export const fold = (text: string) => text.toUpperCase();

/** A JSON number as PostgreSQL's numeric prints it: never in exponent form. */
export function numberText(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** The text `~` reads of a JSON value: strings, numbers and booleans have one; the rest none. */
export function jsonScalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/** `created` as PostgreSQL writes a timestamptz in UTC: `2026-11-30 05:09:00.12+00`. */
export function timestampText(created: string): string {
  const ms = Date.parse(created);
  if (Number.isNaN(ms)) return created;
  const iso = new Date(ms).toISOString();
  let fraction = iso.slice(20, 23);
  while (fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

/** The value at a JSON path: own keys of objects only; anything else on the way is missing. */
export const jsonAt = valueAtPath;

// One spelling per address (`2001:DB8:0::1` is `2001:db8::1`), as PostgreSQL's inet compares.
const ipSpellings = new Map<string, string>();
export function ipSpelling(ip: string): string {
  let spelling = ipSpellings.get(ip);
  if (spelling === undefined) {
    spelling = ipaddr.isValid(ip) ? ipaddr.parse(ip).toString() : ip;
    if (ipSpellings.size >= 10_000) ipSpellings.clear();
    ipSpellings.set(ip, spelling);
  }
  return spelling;
}

const positive: Partial<Record<ComparisonOperator, ComparisonOperator>> = {
  '!=': '=',
  '!~': '~',
  'not startswith': 'startswith',
  'not endswith': 'endswith',
  'not in': 'in',
};

type Test<T> = (value: T) => boolean;

/** The case-insensitive text tests on a text (undefined: the value has none, so no match). */
function textTest(operator: ComparisonOperator, literal: string): Test<string | undefined> {
  const needle = fold(literal);
  if (operator === '~') return (text) => text !== undefined && fold(text).includes(needle);
  if (operator === 'startswith') return (text) => text !== undefined && fold(text).startsWith(needle);
  return (text) => text !== undefined && fold(text).endsWith(needle);
}

function order<T extends string | number>(operator: ComparisonOperator, literal: T): Test<T> {
  switch (operator) {
    case '>':
      return (v) => v > literal;
    case '>=':
      return (v) => v >= literal;
    case '<':
      return (v) => v < literal;
    default:
      return (v) => v <= literal;
  }
}

const anyOf =
  <T>(tests: Test<T>[]): Test<T> =>
  (value) => {
    for (const test of tests) if (test(value)) return true;
    return false;
  };

/** One literal compared to a JSON value. */
function jsonTest(operator: ComparisonOperator, literal: Literal): Test<unknown> {
  if (operator === '=') {
    if (literal === null) return (v) => v === undefined || v === null;
    return (v) => v === literal;
  }
  if (operator === '~' || operator === 'startswith' || operator === 'endswith') {
    const test = textTest(operator, literal as string);
    return (v) => test(jsonScalarText(v));
  }
  if (typeof literal === 'number') {
    const test = order(operator, literal);
    return (v) => typeof v === 'number' && test(v);
  }
  const test = order(operator, literal as string);
  return (v) => typeof v === 'string' && test(v);
}

/** One literal compared to a text column (null only for client_ip). */
function strTest(field: string, operator: ComparisonOperator, literal: Literal): Test<string | null> {
  if (literal === null) return (v) => v === null;
  let wanted = literal as string;
  if (field === 'action') wanted = actionLookupValue(wanted);
  if (operator === '~' || operator === 'startswith' || operator === 'endswith') {
    const test = textTest(operator, wanted);
    return (v) => v !== null && test(v);
  }
  if (field === 'event_uuid') {
    const hex = uuidHex(wanted) as string;
    const test = operator === '=' ? (v: string) => v === hex : order(operator, hex);
    return (v) => {
      const own = v === null ? null : uuidHex(v);
      return own !== null && test(own);
    };
  }
  if (field === 'client_ip' && operator === '=') {
    const spelling = ipSpelling(wanted);
    return (v) => v !== null && (v === wanted || ipSpelling(v) === spelling);
  }
  if (operator === '=') return (v) => v === wanted;
  const test = order(operator, wanted);
  return (v) => v !== null && test(v);
}

/** One literal compared to `created`. */
function createdTest(operator: ComparisonOperator, literal: Literal): Test<string> {
  if (operator === '~' || operator === 'startswith' || operator === 'endswith') {
    const test = textTest(operator, literal as string);
    return (created) => test(timestampText(created));
  }
  const at = parseTimestamp(literal as string) as number;
  const test = operator === '=' ? (ms: number) => ms === at : order(operator, at);
  return (created) => {
    const ms = Date.parse(created);
    return !Number.isNaN(ms) && test(ms);
  };
}

function compileComparison(comparison: Comparison): EventPredicate {
  const problem = checkComparison(comparison.path, comparison.operator, comparison.operand);
  if (problem) throw new Error(`not a query of the event fields: ${problem.message}`);
  const [root = '', ...keys] = comparison.path;
  const kind = fields[root]?.kind;
  const negated = hasOwnKey(positive, comparison.operator);
  const operator = negated ? (positive[comparison.operator] as ComparisonOperator) : comparison.operator;
  const { operand } = comparison;

  let matches: EventPredicate;
  if (operand.kind === 'cidr') {
    const networks = operand.networks.map((text) => parseNetwork(text) as Network);
    const inside = (ip: unknown) => typeof ip === 'string' && networks.some((network) => network.contains(ip));
    matches =
      kind === 'json'
        ? (event) => inside(jsonAt(event[root as 'user' | 'brand' | 'context'], keys))
        : (event) => inside(event.client_ip);
  } else {
    // `in` is `=` on each item; every other operator has one literal.
    const literals = operand.kind === 'list' ? operand.items : [operand.value];
    const itemOperator = operator === 'in' ? '=' : operator;
    if (kind === 'json') {
      const test = anyOf(literals.map((literal) => jsonTest(itemOperator, literal)));
      const jsonRoot = root as 'user' | 'brand' | 'context';
      matches = (event) => test(jsonAt(event[jsonRoot], keys));
    } else if (kind === 'datetime') {
      const test = anyOf(literals.map((literal) => createdTest(itemOperator, literal)));
      matches = (event) => test(event.created);
    } else {
      const test = anyOf(literals.map((literal) => strTest(root, itemOperator, literal)));
      const read: (event: QueryEvent) => string | null =
        root === 'event_uuid'
          ? (event) => event.pk
          : root === 'client_ip'
            ? (event) => event.client_ip
            : root === 'action'
              ? (event) => event.action
              : (event) => event.app;
      matches = (event) => test(read(event));
    }
  }
  return negated ? (event) => !matches(event) : matches;
}

function compile(query: Query): EventPredicate {
  if (query.type === 'comparison') return compileComparison(query);
  const left = compile(query.left);
  const right = compile(query.right);
  return query.operator === 'and' ? (event) => left(event) && right(event) : (event) => left(event) || right(event);
}

const compiled = new WeakMap<Query, EventPredicate>();

/** The query as a function of an event; compiled once per query object. Throws on a tree parseQuery would refuse. */
export function compileQuery(query: Query): EventPredicate {
  let predicate = compiled.get(query);
  if (!predicate) {
    predicate = compile(query);
    compiled.set(query, predicate);
  }
  return predicate;
}

/** Does the event match the query? */
export function evaluate(query: Query, event: QueryEvent): boolean {
  return compileQuery(query)(event);
}
