// Binding conditions: every handler module offers the same set, all must hold. Each condition
// is one object: its descriptor, its validation (at save) and its evaluation (at dispatch).
import type { Event } from '../events/event.ts';
import { queryPredicate } from '../matchers/match.ts';
import { parseNetwork } from '../net/ip.ts';
import { ownValue, valueAtPath } from '../own-keys.ts';
import { compilePattern, type Pattern, patternProblem } from '../patterns.ts';
import { parseQuery } from '../query/akql.ts';

export interface ConditionDescriptor {
  type: 'str' | 'multi' | 'regexp';
  desc: string;
  group: 'general' | 'event' | 'user' | 'policy' | 'counter';
}

export const comparators = ['==', '!=', '<=', '>=', '<', '>', 'matches', 'in', 'contains'] as const;
export type Comparator = (typeof comparators)[number];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export interface Comparison {
  left: string;
  comparator: Comparator;
  right: string;
}

export function parseComparison(value: string): Comparison | null {
  const match = /^\s*(\S+)\s+(==|!=|<=|>=|<|>|matches|in|contains)\s+(.*?)\s*$/.exec(value);
  return match ? { left: match[1] as string, comparator: match[2] as Comparator, right: match[3] as string } : null;
}

/** The matcher policy UUIDs a set of conditions names (to check they exist, and to index them). */
export const policyUuidsOf = (conditions: Record<string, string>) =>
  conditions.matcher_policy === undefined ? [] : list(conditions.matcher_policy).map((id) => id.toLowerCase());

/** What conditions need from outside the event when they are evaluated. */
export interface ConditionLookups {
  /** Does the matcher policy pass for this event? */
  policyPasses(policyUuid: string, event: Event): Promise<boolean>;
  counterValue(name: string): Promise<number>;
}

// Dispatch evaluates the same few condition values for every event: compile each once per
// container. Bounded, so that values of deleted bindings cannot grow it without end.
function memoized<T>(compile: (text: string) => T): (text: string) => T {
  const compiled = new Map<string, T>();
  return (text) => {
    let value = compiled.get(text);
    if (value === undefined && !compiled.has(text)) {
      if (compiled.size >= 10_000) compiled.clear();
      value = compile(text);
      compiled.set(text, value);
    }
    return value as T;
  };
}

// A pattern stored before RE2 was enforced may not compile now: its condition never holds.
const wholePattern = memoized((source): Promise<Pattern | null> => compilePattern(source).catch(() => null));
const matchesWhole = async (source: string, text: string) => (await wholePattern(source))?.matchesWhole(text) === true;
const network = memoized(parseNetwork);
const comparisonOf = memoized((value) => parseComparison(value) as Comparison);

const pathValue = (root: unknown, dotted: string): unknown => valueAtPath(root, dotted.split('.'));

export async function compare(actual: unknown, comparator: Comparator, expected: string): Promise<boolean> {
  const number =
    typeof actual === 'number'
      ? actual
      : typeof actual === 'string' && actual.trim() !== ''
        ? Number(actual)
        : Number.NaN;
  const expectedNumber = expected.trim() === '' ? Number.NaN : Number(expected);
  const numeric = !Number.isNaN(number) && !Number.isNaN(expectedNumber);
  const text =
    actual === undefined || actual === null ? undefined : typeof actual === 'string' ? actual : JSON.stringify(actual);
  switch (comparator) {
    case '==':
      return numeric ? number === expectedNumber : text === expected;
    case '!=':
      return numeric ? number !== expectedNumber : text !== expected;
    case '<':
      return numeric && number < expectedNumber;
    case '>':
      return numeric && number > expectedNumber;
    case '<=':
      return numeric && number <= expectedNumber;
    case '>=':
      return numeric && number >= expectedNumber;
    case 'matches':
      return text !== undefined && (await matchesWhole(expected, text));
    case 'in':
      return text !== undefined && list(expected).includes(text);
    case 'contains':
      return Array.isArray(actual) ? actual.map(String).includes(expected) : text?.includes(expected) === true;
  }
}

function ipHolds(value: string, ip: string | null): boolean {
  if (ip === null) return false;
  const items = list(value);
  const included = items.filter((item) => !item.startsWith('!'));
  const excluded = items.filter((item) => item.startsWith('!')).map((item) => item.slice(1));
  const inAny = (networks: string[]) => networks.some((text) => network(text)?.contains(ip));
  return (included.length === 0 || inAny(included)) && !inAny(excluded);
}

const nonEmptyList = (value: string) => (list(value).length > 0 ? null : 'must list at least one value');

/** One condition: how GET /event/conditions describes it, how a value is checked, how it holds. */
interface Condition extends ConditionDescriptor {
  /** The problem with a value, or null when it is well-formed. */
  problem(value: string): string | null | Promise<string | null>;
  /** Does it hold for the event? The value was checked when the binding was saved. */
  holds(value: string, event: Event, lookups: ConditionLookups): boolean | Promise<boolean>;
}

/** The problem with a comma list that is empty or has an item `valid` refuses, or null. */
function listProblem(value: string, empty: string, valid: (item: string) => boolean, bad: (item: string) => string) {
  const items = list(value);
  const refused = items.find((item) => !valid(item));
  if (items.length === 0) return empty;
  return refused === undefined ? null : bad(refused);
}

const conditions: Record<string, Condition> = {
  client_ip: {
    type: 'str',
    group: 'general',
    desc: 'Comma list of IPs and CIDRs; !x excludes.',
    problem: (value) =>
      listProblem(
        value,
        'must list at least one IP or CIDR',
        (item) => parseNetwork(item.replace(/^!/, '')) !== null,
        (item) => `'${item}' is not an IP address or CIDR network`,
      ),
    holds: (value, event) => ipHolds(value, event.client_ip),
  },
  app: {
    type: 'multi',
    group: 'event',
    desc: "The event's app is one of the comma-listed values.",
    problem: (value) => nonEmptyList(value),
    holds: (value, event) => list(value).includes(event.app),
  },
  model: {
    type: 'multi',
    group: 'event',
    desc: 'context.model app.model_name is one of the comma-listed values.',
    problem: (value) =>
      listProblem(
        value,
        'must list at least one <app>.<model_name>',
        (item) => /^[^.\s]+\.[^.\s]+$/.test(item),
        (item) => `'${item}' is not of the form <app>.<model_name>`,
      ),
    holds: (value, event) => {
      const model = event.context.model as { app?: unknown; model_name?: unknown } | undefined;
      return model !== undefined && list(value).includes(`${String(model.app)}.${String(model.model_name)}`);
    },
  },
  username: {
    type: 'regexp',
    group: 'user',
    desc: 'The whole user.username matches this regular expression (RE2).',
    problem: async (value) => {
      const problem = await patternProblem(value);
      return problem === null ? null : `is not a valid regular expression: ${problem}`;
    },
    holds: async (value, event) => {
      const username = event.user.username;
      return typeof username === 'string' && (await matchesWhole(value, username));
    },
  },
  brand: {
    type: 'multi',
    group: 'event',
    desc: 'brand.name is one of the comma-listed values.',
    problem: (value) => nonEmptyList(value),
    holds: (value, event) => typeof event.brand.name === 'string' && list(value).includes(event.brand.name),
  },
  context: {
    type: 'str',
    group: 'event',
    desc: `<dotted.path> <cmp> <value>, cmp one of ${comparators.join(' ')}.`,
    problem: async (value) => {
      const comparison = parseComparison(value);
      if (!comparison) return `must be '<dotted.path> <cmp> <value>' with cmp one of ${comparators.join(', ')}`;
      const problem = comparison.comparator === 'matches' ? await patternProblem(comparison.right) : null;
      return problem === null ? null : `has a regular expression that does not compile: ${problem}`;
    },
    holds: (value, event) => {
      const comparison = comparisonOf(value);
      return compare(pathValue(event.context, comparison.left), comparison.comparator, comparison.right);
    },
  },
  matcher_policy: {
    type: 'str',
    group: 'policy',
    desc: 'Comma list of event matcher policy UUIDs; each must pass.',
    problem: (value) =>
      listProblem(
        value,
        'must list at least one matcher policy UUID',
        (item) => uuid.test(item),
        (item) => `'${item}' is not a UUID`,
      ),
    holds: async (value, event, lookups) => {
      for (const policy of policyUuidsOf({ matcher_policy: value })) {
        if (!(await lookups.policyPasses(policy, event))) return false;
      }
      return true;
    },
  },
  counter: {
    type: 'str',
    group: 'counter',
    desc: '<counter_name> <cmp> <int>; a missing counter is 0.',
    problem: (value) => {
      const comparison = parseComparison(value);
      if (
        !comparison ||
        !['==', '!=', '<', '>', '<=', '>='].includes(comparison.comparator) ||
        !/^-?\d+$/.test(comparison.right)
      ) {
        return "must be '<counter_name> <cmp> <int>' with cmp one of ==, !=, <, >, <=, >=";
      }
      return null;
    },
    holds: async (value, _event, lookups) => {
      const comparison = comparisonOf(value);
      return compare(await lookups.counterValue(comparison.left), comparison.comparator, comparison.right);
    },
  },
  query: {
    type: 'str',
    group: 'event',
    desc: 'A query in the event list\'s search language (authentik\'s AKQL), e.g. action = "login_failed" and client_ip not in cidr("10.0.0.0/8"); and/or group to the right.',
    problem: (value) => {
      const parsed = parseQuery(value);
      return parsed.ok ? null : `is not a valid query: ${parsed.error.message}`;
    },
    holds: (value, event) => queryPredicate(value)?.(event) === true,
  },
};

const conditionOf = (name: string) => ownValue(conditions, name);

/** What GET /event/conditions/{module} lists: each condition's descriptor. */
export const conditionDescriptors: Record<string, ConditionDescriptor> = Object.fromEntries(
  Object.entries(conditions).map(([name, { type, group, desc }]) => [name, { type, group, desc }]),
);

/** The problem with a condition's value, or null when it is well-formed. */
export async function conditionProblem(name: string, value: string): Promise<string | null> {
  const condition = conditionOf(name);
  if (!condition) return `unknown condition '${name}'; known: ${Object.keys(conditions).join(', ')}`;
  return condition.problem(value);
}

/** Does one condition hold for the event? Values are assumed valid (checked at save); an unknown one never holds. */
export async function conditionHolds(
  name: string,
  value: string,
  event: Event,
  lookups: ConditionLookups,
): Promise<boolean> {
  return (await conditionOf(name)?.holds(value, event, lookups)) ?? false;
}

/** All conditions hold (AND). */
export async function conditionsHold(conditions: Record<string, string>, event: Event, lookups: ConditionLookups) {
  for (const [name, value] of Object.entries(conditions)) {
    if (!(await conditionHolds(name, value, event, lookups))) return false;
  }
  return true;
}
