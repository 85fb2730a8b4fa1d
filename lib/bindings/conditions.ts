// Binding conditions: every handler module offers the same set, all must hold. Validation
// (at save) and evaluation (at dispatch) live side by side so they cannot drift apart.
import type { Event } from '../events/event.ts';
import { queryPredicate } from '../matchers/match.ts';
import { parseNetwork } from '../net/ip.ts';
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

export const conditionDescriptors: Record<string, ConditionDescriptor> = {
  client_ip: { type: 'str', group: 'general', desc: 'Comma list of IPs and CIDRs; !x excludes.' },
  app: { type: 'multi', group: 'event', desc: "The event's app is one of the comma-listed values." },
  model: { type: 'multi', group: 'event', desc: 'context.model app.model_name is one of the comma-listed values.' },
  username: { type: 'regexp', group: 'user', desc: 'The whole user.username matches this regular expression (RE2).' },
  brand: { type: 'multi', group: 'event', desc: 'brand.name is one of the comma-listed values.' },
  context: { type: 'str', group: 'event', desc: `<dotted.path> <cmp> <value>, cmp one of ${comparators.join(' ')}.` },
  matcher_policy: { type: 'str', group: 'policy', desc: 'Comma list of event matcher policy UUIDs; each must pass.' },
  counter: { type: 'str', group: 'counter', desc: '<counter_name> <cmp> <int>; a missing counter is 0.' },
  query: {
    type: 'str',
    group: 'event',
    desc: 'A query in the event list\'s search language (authentik\'s AKQL), e.g. action = "login_failed" and client_ip not in cidr("10.0.0.0/8"); and/or group to the right.',
  },
};

export interface Comparison {
  left: string;
  comparator: Comparator;
  right: string;
}

export function parseComparison(value: string): Comparison | null {
  const match = /^\s*(\S+)\s+(==|!=|<=|>=|<|>|matches|in|contains)\s+(.*?)\s*$/.exec(value);
  return match ? { left: match[1] as string, comparator: match[2] as Comparator, right: match[3] as string } : null;
}

/** The problem with a condition's value, or null when it is well-formed. */
export function conditionProblem(name: string, value: string): string | null {
  switch (name) {
    case 'client_ip': {
      const items = list(value);
      const bad = items.find((item) => parseNetwork(item.replace(/^!/, '')) === null);
      if (items.length === 0) return 'must list at least one IP or CIDR';
      return bad === undefined ? null : `'${bad}' is not an IP address or CIDR network`;
    }
    case 'app':
    case 'brand':
      return list(value).length > 0 ? null : 'must list at least one value';
    case 'model': {
      const items = list(value);
      const bad = items.find((item) => !/^[^.\s]+\.[^.\s]+$/.test(item));
      if (items.length === 0) return 'must list at least one <app>.<model_name>';
      return bad === undefined ? null : `'${bad}' is not of the form <app>.<model_name>`;
    }
    case 'username': {
      const problem = patternProblem(value);
      return problem === null ? null : `is not a valid regular expression: ${problem}`;
    }
    case 'context': {
      const comparison = parseComparison(value);
      if (!comparison) return `must be '<dotted.path> <cmp> <value>' with cmp one of ${comparators.join(', ')}`;
      const problem = comparison.comparator === 'matches' ? patternProblem(comparison.right) : null;
      return problem === null ? null : `has a regular expression that does not compile: ${problem}`;
    }
    case 'matcher_policy': {
      const items = list(value);
      const bad = items.find((item) => !uuid.test(item));
      if (items.length === 0) return 'must list at least one matcher policy UUID';
      return bad === undefined ? null : `'${bad}' is not a UUID`;
    }
    case 'counter': {
      const comparison = parseComparison(value);
      if (
        !comparison ||
        !['==', '!=', '<', '>', '<=', '>='].includes(comparison.comparator) ||
        !/^-?\d+$/.test(comparison.right)
      ) {
        return "must be '<counter_name> <cmp> <int>' with cmp one of ==, !=, <, >, <=, >=";
      }
      return null;
    }
    case 'query': {
      const parsed = parseQuery(value);
      return parsed.ok ? null : `is not a valid query: ${parsed.error.message}`;
    }
    default:
      return `unknown condition '${name}'; known: ${Object.keys(conditionDescriptors).join(', ')}`;
  }
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
const wholePattern = memoized((source): Pattern | null => {
  try {
    return compilePattern(source);
  } catch {
    return null;
  }
});
const matchesWhole = (source: string, text: string) => wholePattern(source)?.matchesWhole(text) === true;
const network = memoized(parseNetwork);
const comparisonOf = memoized((value) => parseComparison(value) as Comparison);

const pathValue = (root: unknown, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      root,
    );

export function compare(actual: unknown, comparator: Comparator, expected: string): boolean {
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
      return text !== undefined && matchesWhole(expected, text);
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

/** Does one condition hold for the event? Values are assumed valid (checked at save). */
export async function conditionHolds(
  name: string,
  value: string,
  event: Event,
  lookups: ConditionLookups,
): Promise<boolean> {
  switch (name) {
    case 'client_ip':
      return ipHolds(value, event.client_ip);
    case 'app':
      return list(value).includes(event.app);
    case 'model': {
      const model = event.context.model as { app?: unknown; model_name?: unknown } | undefined;
      return model !== undefined && list(value).includes(`${String(model.app)}.${String(model.model_name)}`);
    }
    case 'username': {
      const username = event.user.username;
      return typeof username === 'string' && matchesWhole(value, username);
    }
    case 'brand':
      return typeof event.brand.name === 'string' && list(value).includes(event.brand.name);
    case 'context': {
      const comparison = comparisonOf(value);
      return compare(pathValue(event.context, comparison.left), comparison.comparator, comparison.right);
    }
    case 'matcher_policy': {
      for (const policy of policyUuidsOf({ matcher_policy: value })) {
        if (!(await lookups.policyPasses(policy, event))) return false;
      }
      return true;
    }
    case 'counter': {
      const comparison = comparisonOf(value);
      return compare(await lookups.counterValue(comparison.left), comparison.comparator, comparison.right);
    }
    case 'query':
      return queryPredicate(value)?.(event) === true;
    default:
      return false;
  }
}

/** All conditions hold (AND). */
export async function conditionsHold(conditions: Record<string, string>, event: Event, lookups: ConditionLookups) {
  for (const [name, value] of Object.entries(conditions)) {
    if (!(await conditionHolds(name, value, event, lookups))) return false;
  }
  return true;
}
