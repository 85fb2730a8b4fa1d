// The parsed query: DjangoQL's tree (binary and/or nodes, right-nested as its parser builds
// them), plain data so that it can be compared, stored and printed.

/** A literal: a string, a number, True, False or None. */
export type Literal = string | number | boolean | null;

export const comparisonOperators = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  '~',
  '!~',
  'startswith',
  'not startswith',
  'endswith',
  'not endswith',
  'in',
  'not in',
] as const;

export type ComparisonOperator = (typeof comparisonOperators)[number];
export type LogicalOperator = 'and' | 'or';

/** The right-hand side: one literal, a list for `in`, or networks for `in cidr(…)` (ours). */
export type Operand =
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'list'; readonly items: readonly Literal[] }
  | { readonly kind: 'cidr'; readonly networks: readonly string[] };

export interface Comparison {
  readonly type: 'comparison';
  /** The dotted name split at its dots: `['context', 'geo', 'country']`. */
  readonly path: readonly string[];
  readonly operator: ComparisonOperator;
  readonly operand: Operand;
}

export interface Logical {
  readonly type: 'logical';
  readonly operator: LogicalOperator;
  readonly left: Query;
  readonly right: Query;
}

export type Query = Comparison | Logical;

export type QueryErrorKind = 'syntax' | 'schema' | 'limit';

export interface QueryError {
  /** Names the position, e.g. `Syntax error at position 12: unexpected 'or'`. */
  readonly message: string;
  /** 1-based: `text[position - 1]` is where the problem starts (text.length + 1 at the end). */
  readonly position: number;
  /** `syntax`: not the language; `schema`: a field or value the events do not have; `limit`: too big. */
  readonly kind: QueryErrorKind;
}

export type ParseResult =
  | { readonly ok: true; readonly query: Query }
  | { readonly ok: false; readonly error: QueryError };
