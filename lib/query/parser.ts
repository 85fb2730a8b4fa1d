// DjangoQL's grammar (djangoql/parser.py) by recursive descent, checked against the event fields
// as authentik's schema does. `and` and `or` have one precedence and group to the right, which
// is what DjangoQL's LALR table does (its shift/reduce conflict resolves to shift):
// `a and b or c` is `a and (b or c)`.
import type { Comparison, ComparisonOperator, Literal, Operand, ParseResult, Query, QueryErrorKind } from './ast.ts';
import { checkComparison } from './fields.ts';
import { LexError, type Token, tokenize } from './lexer.ts';

/** Bounds on what one query may be: past them it is refused, never parsed. */
export const queryLimits = {
  /** Characters of the text. */
  length: 4096,
  /** Parentheses inside each other. */
  depth: 16,
  /** Comparisons. */
  terms: 100,
  /** Values (list items and networks) over all comparisons. */
  values: 512,
} as const;

class ParseFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
    readonly kind: QueryErrorKind,
  ) {}
}

/** DjangoQL's way of naming a token in a message: its text, cut at 20 characters. */
function fragment(token: Token): string {
  if (token.type === 'end') return 'end of input';
  const text = token.text.length > 20 ? `${token.text.slice(0, 17)}...` : token.text;
  return `'${text}'`;
}

const syntax = (token: Token, expected: string) =>
  new ParseFailure(
    token.type === 'end'
      ? `Unexpected end of input, expected ${expected}`
      : `unexpected ${fragment(token)}, expected ${expected}`,
    token.offset,
    'syntax',
  );

const equality = new Set(['=', '!=']);
const ordering = new Set(['>', '>=', '<', '<=']);

class Parser {
  private at = 0;
  private terms = 0;
  private values = 0;
  /** Where each value counted so far starts. */
  private readonly valueOffsets: number[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.at++;
    return token;
  }

  parse(): Query {
    const query = this.expression(0);
    const rest = this.peek();
    if (rest.type !== 'end') {
      throw rest.type === ')'
        ? new ParseFailure(`unexpected ')', no '(' is open`, rest.offset, 'syntax')
        : syntax(rest, "'and', 'or' or the end");
    }
    return query;
  }

  /** `primary (('and' | 'or') primary)*`, grouped to the right. */
  private expression(depth: number): Query {
    const operands: Query[] = [this.primary(depth)];
    const operators: ('and' | 'or')[] = [];
    while (this.peek().type === 'and' || this.peek().type === 'or') {
      operators.push(this.next().type as 'and' | 'or');
      operands.push(this.primary(depth));
    }
    let query = operands.pop() as Query;
    while (operators.length > 0) {
      query = {
        type: 'logical',
        operator: operators.pop() as 'and' | 'or',
        left: operands.pop() as Query,
        right: query,
      };
    }
    return query;
  }

  private primary(depth: number): Query {
    const token = this.peek();
    if (token.type === '(') {
      if (depth >= queryLimits.depth)
        throw new ParseFailure(
          `Too deeply nested: at most ${queryLimits.depth} levels of parentheses`,
          token.offset,
          'limit',
        );
      this.next();
      const inner = this.expression(depth + 1);
      const close = this.next();
      if (close.type !== ')') throw syntax(close, "')', 'and' or 'or'");
      return inner;
    }
    if (token.type === 'name') return this.comparison();
    throw syntax(token, "a field name or '('");
  }

  private comparison(): Comparison {
    const name = this.next();
    if (++this.terms > queryLimits.terms)
      throw new ParseFailure(`Too many terms: at most ${queryLimits.terms} comparisons`, name.offset, 'limit');
    const operator = this.operator(name);
    const first = this.values;
    const operand = this.operand(operator);
    const path = name.text.split('.');
    const problem = checkComparison(path, operator, operand);
    if (problem) {
      const offset = problem.at === 'name' ? name.offset : (this.valueOffsets[first + problem.at] ?? name.offset);
      throw new ParseFailure(problem.message, offset, 'schema');
    }
    return { type: 'comparison', path, operator, operand };
  }

  private operator(name: Token): ComparisonOperator {
    const token = this.next();
    switch (token.type) {
      case '=':
      case '!=':
      case '>':
      case '>=':
      case '<':
      case '<=':
      case '~':
      case '!~':
      case 'in':
      case 'startswith':
      case 'endswith':
        return token.type;
      case 'not': {
        const second = this.next();
        if (second.type === 'in' || second.type === 'startswith' || second.type === 'endswith')
          return `not ${second.type}`;
        throw syntax(second, "'in', 'startswith' or 'endswith' after 'not'");
      }
      default:
        throw syntax(token, `a comparison operator after ${fragment(name)}`);
    }
  }

  private literal(token: Token): Literal | undefined {
    switch (token.type) {
      case 'string':
        return token.value as string;
      case 'number': {
        const value = token.value as number;
        if (!Number.isFinite(value))
          throw new ParseFailure(`Number out of range: ${fragment(token)}`, token.offset, 'syntax');
        // -0 is 0, as Python's int and JSON compare it.
        return value === 0 ? 0 : value;
      }
      case 'true':
        return true;
      case 'false':
        return false;
      case 'none':
        return null;
      default:
        return undefined;
    }
  }

  private countValue(token: Token) {
    if (++this.values > queryLimits.values)
      throw new ParseFailure(`Too many values: at most ${queryLimits.values} in one query`, token.offset, 'limit');
    this.valueOffsets.push(token.offset);
  }

  private operand(operator: ComparisonOperator): Operand {
    if (operator === 'in' || operator === 'not in') return this.list();
    const token = this.next();
    const value = this.literal(token);
    const allowed =
      value === undefined
        ? false
        : equality.has(operator)
          ? true
          : ordering.has(operator)
            ? typeof value === 'string' || typeof value === 'number'
            : typeof value === 'string';
    if (!allowed) {
      const expected = equality.has(operator)
        ? 'a string, a number, True, False or None'
        : ordering.has(operator)
          ? `a string or a number after '${operator}'`
          : `a string after '${operator}'`;
      throw syntax(token, expected);
    }
    this.countValue(token);
    return { kind: 'literal', value: value as Literal };
  }

  /** `( value, … )` or, ours, `cidr( "network", … )`. */
  private list(): Operand {
    const first = this.next();
    if (first.type === 'name' && first.text === 'cidr') {
      const open = this.next();
      if (open.type !== '(') throw syntax(open, "'(' after cidr");
      const networks: string[] = [];
      do {
        const token = this.next();
        if (token.type !== 'string') throw syntax(token, 'a network in double quotes, such as "10.0.0.0/8"');
        this.countValue(token);
        networks.push(token.value as string);
      } while (this.separator());
      return { kind: 'cidr', networks };
    }
    if (first.type !== '(') throw syntax(first, "'(' or cidr(");
    const items: Literal[] = [];
    do {
      const token = this.next();
      const value = this.literal(token);
      if (value === undefined) throw syntax(token, 'a string, a number, True, False or None');
      this.countValue(token);
      items.push(value);
    } while (this.separator());
    return { kind: 'list', items };
  }

  /** After a list item: true on ',', false on ')'. */
  private separator(): boolean {
    const token = this.next();
    if (token.type === ',') return true;
    if (token.type === ')') return false;
    throw syntax(token, "',' or ')'");
  }
}

const prefix: Readonly<Record<QueryErrorKind, string>> = {
  syntax: 'Syntax error',
  schema: 'Invalid query',
  limit: 'Query refused',
};

/** Parses and checks a query. Never throws: a text that is no query gives the first problem. */
export function parseQuery(text: string): ParseResult {
  try {
    if (typeof text !== 'string') return failure('the query must be a string', 0, 'syntax');
    if (text.length > queryLimits.length)
      return failure(`Too long: ${text.length} characters, at most ${queryLimits.length}`, queryLimits.length, 'limit');
    const tokens = tokenize(text);
    return { ok: true, query: new Parser(tokens).parse() };
  } catch (error) {
    if (error instanceof LexError) return failure(error.message, error.offset, 'syntax');
    if (error instanceof ParseFailure) return failure(error.message, error.offset, error.kind);
    // A bug, not the input's fault; still no throw towards a request.
    return failure(`the query could not be read (${String(error)})`, 0, 'syntax');
  }
}

function failure(message: string, offset: number, kind: QueryErrorKind): ParseResult {
  const position = offset + 1;
  return { ok: false, error: { message: `${prefix[kind]} at position ${position}: ${message}`, position, kind } };
}
