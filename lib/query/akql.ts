// authentik's query language (AKQL: DjangoQL as authentik's event list and matcher policies use
// it), one module for the list `search`, the matcher policy `query` and the binding condition:
// parse once (never throws, bounded), print canonically, evaluate in memory, fall back to
// authentik's plain search, and tell the event log which indexes a query can use.
//
// The language: `name op value` joined by `and`/`or` (one precedence, grouped to the right, as
// DjangoQL's parser does) and parentheses; `= != > >= < <=`, `~ !~` (contains, ignoring case),
// `startswith`, `endswith` (ignoring case) and their `not` forms, `in (…)`, `not in (…)`;
// strings in double quotes with JSON escapes, numbers, True, False, None. Fields: action, app,
// event_uuid, client_ip, created (timestamps "YYYY-MM-DD[ HH:MM[:SS]]" in UTC, or ISO 8601) and
// keys of the JSON fields user, brand, context (`context.geo.country`). Ours beyond authentik:
// `client_ip in cidr("10.0.0.0/8", "2001:db8::/32")` (also on JSON keys), and `not in cidr(…)`.
import type { Query, QueryError } from './ast.ts';
import { tokenize } from './lexer.ts';
import { parseQuery } from './parser.ts';
import { searchTerms } from './plain.ts';

export * from './ast.ts';
export { compileQuery, type EventPredicate, evaluate, type QueryEvent } from './evaluate.ts';
export { fieldNames } from './fields.ts';
export { type IndexTerms, indexTerms } from './index-terms.ts';
export { parseQuery, queryLimits } from './parser.ts';
export { compilePlainSearch, plainSearch, searchTerms } from './plain.ts';
export { printQuery } from './printer.ts';

/** authentik's search text: null characters removed (QLSearch.get_search_terms). */
const searchText = (text: string) => text.replaceAll('\0', '');

/**
 * Would authentik run this search text as a query? Its rule (authentik/api/search/ql.py): a
 * non-empty text that parses and passes the schema is a query; anything else is searched
 * plainly over the list's search fields.
 */
export function looksLikeQuery(text: string): boolean {
  const search = searchText(text);
  return search.length > 0 && parseQuery(search).ok;
}

export type SearchPlan =
  /** No search: every event. */
  | { readonly mode: 'all' }
  | { readonly mode: 'query'; readonly query: Query }
  /**
   * authentik's fallback. `error` says why the text is no query; `queryShaped` is true when it
   * starts like one (a field name, then an operator) or is refused for its size, so that a
   * route may answer the error (400) instead of searching the words, as issue 12 asks.
   */
  | {
      readonly mode: 'plain';
      readonly terms: readonly string[];
      readonly error: QueryError;
      readonly queryShaped: boolean;
    };

const operatorTypes = new Set(['=', '!=', '>', '>=', '<', '<=', '~', '!~', 'in', 'not', 'startswith', 'endswith']);

function startsLikeQuery(text: string): boolean {
  try {
    const [first, second] = tokenize(text, 2);
    return first?.type === 'name' && second !== undefined && operatorTypes.has(second.type);
  } catch {
    return false;
  }
}

/** What authentik does with a `search` text: nothing, a query, or its plain search. */
export function planSearch(text: string): SearchPlan {
  const search = searchText(text);
  if (search.length === 0) return { mode: 'all' };
  const parsed = parseQuery(search);
  if (parsed.ok) return { mode: 'query', query: parsed.query };
  const terms = searchTerms(search);
  if (terms.length === 0) return { mode: 'all' };
  return {
    mode: 'plain',
    terms,
    error: parsed.error,
    queryShaped: parsed.error.kind === 'limit' || startsLikeQuery(search),
  };
}
