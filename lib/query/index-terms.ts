// What of a query an index can answer: the comparisons AND-ed at its top (any grouping of
// `and`s) on an action, a username, a client IP, an event id or a `created` range. Plain data,
// so the event log can pick its index and still test every event it reads with the query.
import type { Comparison, Literal, Query } from './ast.ts';
import { ipSpelling } from './evaluate.ts';
import { actionLookupValue, parseTimestamp, uuidHex } from './fields.ts';

export interface IndexTerms {
  /** The event's action is one of these (action values, labels already mapped). */
  readonly actions?: readonly string[];
  /** `user.username` is one of these (non-empty strings). */
  readonly usernames?: readonly string[];
  /** `client_ip` is one of these (one spelling per address, as lib/events/terms.ts writes them). */
  readonly clientIps?: readonly string[];
  /** The event id is one of these (lower-case, with dashes). */
  readonly eventUuids?: readonly string[];
  /** `created` in milliseconds: `from` inclusive, `to` exclusive; `from >= to` matches nothing. */
  readonly created?: { readonly from?: number; readonly to?: number };
  /** Every top-level conjunct is one of the terms above: the index answer is the query's answer. */
  readonly complete: boolean;
}

/** The conjuncts of the top: every node reached from the root through `and` nodes only. */
function conjuncts(query: Query, out: Query[] = []): Query[] {
  if (query.type === 'logical' && query.operator === 'and') {
    conjuncts(query.left, out);
    conjuncts(query.right, out);
  } else out.push(query);
  return out;
}

const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

type SetKey = 'actions' | 'usernames' | 'clientIps' | 'eventUuids';

/** The values one `=` or `in` comparison allows for a set term, or null when it is no such term. */
function setTerm(comparison: Comparison): [SetKey, string[]] | null {
  const { path, operator, operand } = comparison;
  if (operator !== '=' && operator !== 'in') return null;
  if (operand.kind === 'cidr') return null;
  const literals: readonly Literal[] = operand.kind === 'list' ? operand.items : [operand.value];
  if (!literals.every((value) => typeof value === 'string')) return null;
  const values = literals as string[];
  const key = path.join('.');
  if (key === 'action') return ['actions', values.map(actionLookupValue)];
  if (key === 'user.username') return values.includes('') ? null : ['usernames', values];
  if (key === 'client_ip') return ['clientIps', values.map(ipSpelling)];
  if (key === 'event_uuid') return ['eventUuids', values.map((value) => dashed(uuidHex(value) as string))];
  return null;
}

/** The range one comparison on `created` allows, or null when it is no range. */
function rangeTerm(comparison: Comparison): { from?: number; to?: number } | null {
  const { path, operator, operand } = comparison;
  if (path.length !== 1 || path[0] !== 'created' || operand.kind !== 'literal') return null;
  if (typeof operand.value !== 'string') return null;
  const at = parseTimestamp(operand.value);
  if (at === null) return null;
  // Events are created to the millisecond; a literal may carry microseconds.
  switch (operator) {
    case '>':
      return { from: Math.floor(at) + 1 };
    case '>=':
      return { from: Math.ceil(at) };
    case '<':
      return { to: Math.ceil(at) };
    case '<=':
      return { to: Math.floor(at) + 1 };
    case '=':
      return Number.isInteger(at) ? { from: at, to: at + 1 } : { from: at, to: at };
    default:
      return null;
  }
}

/** The index terms of a query (see IndexTerms); a query with an `or` at its top has none. */
export function indexTerms(query: Query): IndexTerms {
  const top = conjuncts(query);
  const sets: Partial<Record<SetKey, string[]>> = {};
  let from: number | undefined;
  let to: number | undefined;
  let complete = true;
  for (const comparison of top) {
    if (comparison.type !== 'comparison') {
      complete = false;
      continue;
    }
    const set = setTerm(comparison);
    if (set) {
      const [key, values] = set;
      const unique = [...new Set(values)];
      const before = sets[key];
      sets[key] = before ? before.filter((value) => unique.includes(value)) : unique;
      continue;
    }
    const range = rangeTerm(comparison);
    if (range) {
      if (range.from !== undefined) from = from === undefined ? range.from : Math.max(from, range.from);
      if (range.to !== undefined) to = to === undefined ? range.to : Math.min(to, range.to);
      continue;
    }
    complete = false;
  }
  return {
    ...sets,
    ...((from !== undefined || to !== undefined) && {
      created: { ...(from !== undefined && { from }), ...(to !== undefined && { to }) },
    }),
    complete,
  };
}
