import { describe, expect, it } from 'vitest';
import {
  type Comparison,
  type ParseResult,
  parseQuery,
  printQuery,
  type Query,
  queryLimits,
} from '../../../lib/query/akql.ts';

const parsed = (text: string): Query => {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.query;
};
const failed = (text: string) => {
  const result: ParseResult = parseQuery(text);
  if (result.ok) throw new Error(`expected ${text} to fail, got ${printQuery(result.query)}`);
  return result.error;
};
const cmp = (path: string, operator: Comparison['operator'], operand: Comparison['operand']): Comparison => ({
  type: 'comparison',
  path: path.split('.'),
  operator,
  operand,
});
const lit = (value: string | number | boolean | null) => ({ kind: 'literal' as const, value });

describe('comparisons', () => {
  it.each([
    ['action = "login"', cmp('action', '=', lit('login'))],
    ['app != "authentik.core"', cmp('app', '!=', lit('authentik.core'))],
    ['context.n > 5', cmp('context.n', '>', lit(5))],
    ['context.n >= -5', cmp('context.n', '>=', lit(-5))],
    ['context.n < 5.25', cmp('context.n', '<', lit(5.25))],
    ['context.n <= 5.23e2', cmp('context.n', '<=', lit(523))],
    ['user.username ~ "ali"', cmp('user.username', '~', lit('ali'))],
    ['user.username !~ "ali"', cmp('user.username', '!~', lit('ali'))],
    ['app startswith "authentik."', cmp('app', 'startswith', lit('authentik.'))],
    ['app not startswith "authentik."', cmp('app', 'not startswith', lit('authentik.'))],
    ['app endswith ".core"', cmp('app', 'endswith', lit('.core'))],
    ['app not endswith ".core"', cmp('app', 'not endswith', lit('.core'))],
    ['action in ("login", "logout")', cmp('action', 'in', { kind: 'list', items: ['login', 'logout'] })],
    [
      'context.x not in (1, "a", True, None)',
      cmp('context.x', 'not in', { kind: 'list', items: [1, 'a', true, null] }),
    ],
    ['context.ok = True', cmp('context.ok', '=', lit(true))],
    ['context.ok != False', cmp('context.ok', '!=', lit(false))],
    ['context.ok = None', cmp('context.ok', '=', lit(null))],
    ['created > "2026-11-30"', cmp('created', '>', lit('2026-11-30'))],
    [
      'client_ip in cidr("10.0.0.0/8", "2001:db8::/32")',
      cmp('client_ip', 'in', { kind: 'cidr', networks: ['10.0.0.0/8', '2001:db8::/32'] }),
    ],
    ['client_ip not in cidr("192.0.2.0/24")', cmp('client_ip', 'not in', { kind: 'cidr', networks: ['192.0.2.0/24'] })],
    ['context.geo.ip in cidr("10.0.0.1")', cmp('context.geo.ip', 'in', { kind: 'cidr', networks: ['10.0.0.1'] })],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
    expect(printQuery(parsed(text))).toBe(printQuery(expected));
  });

  it('reads any whitespace DjangoQL skips, and no space at all', () => {
    expect(parsed('action="login"and\tapp="x"\n')).toEqual(parsed('action = "login" and app = "x"'));
    expect(parsed('\u00a0action\v=\f"x"\r\u2028')).toEqual(parsed('action = "x"'));
  });
});

describe('literals', () => {
  it.each([
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash \\/"', 'back\\slash /'],
    ['"\\u041f \\u0438 \\u0429"', 'П и Щ'],
    ['"tab\\tnew\\nline\\r\\b\\f"', 'tab\tnew\nline\r\b\f'],
    ['"年年有余 🎉"', '年年有余 🎉'],
    ['"raw\ttab"', 'raw\ttab'],
    ['""', ''],
  ])('string %s', (literal, value) => {
    expect(parsed(`context.x = ${literal}`)).toEqual(cmp('context.x', '=', lit(value)));
  });

  it.each([
    ['0', 0],
    ['-0', 0],
    ['42', 42],
    ['-42', -42],
    ['42.0', 42],
    ['-0.5e+42', -0.5e42],
    ['2E64', 2e64],
    ['2.71e-0002', 0.0271],
  ])('number %s', (literal, value) => {
    const query = parsed(`context.n = ${literal}`) as Comparison;
    expect(query.operand).toEqual(lit(value));
    expect(Object.is((query.operand as { value: number }).value, -0)).toBe(false);
  });

  it('refuses numbers out of range and numbers DjangoQL cannot read', () => {
    expect(failed('context.n = 1e999').message).toBe("Syntax error at position 13: Number out of range: '1e999'");
    expect(failed('context.n = 01').message).toMatch(/^Syntax error at position 14: unexpected '1'/);
    expect(failed('context.n = .5').message).toBe("Syntax error at position 13: Illegal character '.'");
    expect(failed('context.n = 1.').message).toBe("Syntax error at position 14: Illegal character '.'");
    expect(failed('context.n = +1').message).toBe("Syntax error at position 13: Illegal character '+'");
  });

  it('keywords are case-sensitive and whole words', () => {
    expect(failed('context.ok = true').message).toMatch(/^Syntax error at position 14: unexpected 'true'/);
    expect(parsed('context.True_story = "x"')).toEqual(cmp('context.True_story', '=', lit('x')));
    expect(parsed('context.in = "x" and context.not.or = 1')).toEqual({
      type: 'logical',
      operator: 'and',
      left: cmp('context.in', '=', lit('x')),
      right: cmp('context.not.or', '=', lit(1)),
    });
    expect(failed('action = "x" AND app = "y"').message).toMatch(/^Syntax error at position 14: unexpected 'AND'/);
  });

  it('booleans and None compare with = and != only, ~ and its kin with strings only', () => {
    expect(failed('context.n > None').message).toBe(
      "Syntax error at position 13: unexpected 'None', expected a string or a number after '>'",
    );
    expect(failed('context.n <= True').message).toMatch(/^Syntax error at position 14: unexpected 'True'/);
    expect(failed('context.n ~ 5').message).toBe(
      "Syntax error at position 13: unexpected '5', expected a string after '~'",
    );
    expect(failed('context.n endswith 1').message).toMatch(/^Syntax error at position 20:/);
    expect(failed('context.n not startswith False').message).toMatch(/^Syntax error at position 26:/);
    expect(failed('context.n in False').message).toBe(
      "Syntax error at position 14: unexpected 'False', expected '(' or cidr(",
    );
  });
});

describe('and, or and parentheses', () => {
  const a = cmp('context.a', '=', lit(1));
  const b = cmp('context.b', '=', lit(2));
  const c = cmp('context.c', '=', lit(3));
  const and = (left: Query, right: Query): Query => ({ type: 'logical', operator: 'and', left, right });
  const or = (left: Query, right: Query): Query => ({ type: 'logical', operator: 'or', left, right });

  it('group to the right with one precedence, as DjangoQL parses them', () => {
    expect(parsed('context.a = 1 and context.b = 2 or context.c = 3')).toEqual(and(a, or(b, c)));
    expect(parsed('context.a = 1 or context.b = 2 and context.c = 3')).toEqual(or(a, and(b, c)));
    expect(parsed('context.a = 1 and context.b = 2 and context.c = 3')).toEqual(and(a, and(b, c)));
  });

  it('parentheses group as written', () => {
    expect(parsed('(context.a = 1 and context.b = 2) or context.c = 3')).toEqual(or(and(a, b), c));
    expect(parsed('((context.a = 1))')).toEqual(a);
    expect(parsed('(context.a = 1 or (context.b = 2)) and (context.c = 3)')).toEqual(and(or(a, b), c));
  });

  it('prints parentheses where the tree needs them and around the other operator', () => {
    expect(printQuery(and(a, or(b, c)))).toBe('context.a = 1 and (context.b = 2 or context.c = 3)');
    expect(printQuery(or(and(a, b), c))).toBe('(context.a = 1 and context.b = 2) or context.c = 3');
    expect(printQuery(and(and(a, b), c))).toBe('(context.a = 1 and context.b = 2) and context.c = 3');
    expect(printQuery(and(a, and(b, c)))).toBe('context.a = 1 and context.b = 2 and context.c = 3');
  });

  it('refuses unbalanced parentheses and dangling operators', () => {
    expect(failed('(action = "x"').message).toBe(
      "Syntax error at position 14: Unexpected end of input, expected ')', 'and' or 'or'",
    );
    expect(failed('action = "x")').message).toBe("Syntax error at position 13: unexpected ')', no '(' is open");
    expect(failed('action = "x" and').message).toBe(
      "Syntax error at position 17: Unexpected end of input, expected a field name or '('",
    );
    expect(failed('or action = "x"').message).toBe(
      "Syntax error at position 1: unexpected 'or', expected a field name or '('",
    );
    expect(failed('()').message).toMatch(/^Syntax error at position 2: unexpected '\)'/);
    expect(failed('action = "x" app = "y"').message).toBe(
      "Syntax error at position 14: unexpected 'app', expected 'and', 'or' or the end",
    );
  });
});

describe('names and fields', () => {
  it('takes dotted JSON paths of any depth on user, brand and context', () => {
    for (const name of [
      'user.pk',
      'user.username',
      'user.email',
      'brand.name',
      'context.geo.country',
      'context.a.b.c.d.e.f',
    ])
      expect(parsed(`${name} = "x"`)).toEqual(cmp(name, '=', lit('x')));
  });

  it('refuses unknown fields, naming the choices as DjangoQL does', () => {
    const error = failed('action = "x" or username = "alice"');
    expect(error).toEqual({
      message:
        'Invalid query at position 17: Unknown field: username. Possible choices are: action, app, brand, client_ip, context, created, event_uuid, user',
      position: 17,
      kind: 'schema',
    });
    expect(failed('action.name = "x"').message).toMatch(/^Invalid query at position 1: Unknown field: name\./);
    expect(failed('__proto__.x = "x"').message).toMatch(/Unknown field: __proto__\./);
    expect(failed('pk = "x"').message).toMatch(/Unknown field: pk\./);
  });

  it('refuses a JSON field without a key', () => {
    expect(failed('context = "x"').message).toBe(
      'Invalid query at position 1: Field "context" holds JSON: compare one of its keys, such as context.name',
    );
  });

  it('refuses dots DjangoQL does not allow in a name', () => {
    expect(failed('context..x = 1').message).toBe("Syntax error at position 8: Illegal character '.'");
    expect(failed('context . x = 1').message).toBe("Syntax error at position 9: Illegal character '.'");
    expect(failed('context.1 = 1').message).toBe("Syntax error at position 8: Illegal character '.'");
  });

  it('checks values against the field types, with DjangoQL messages', () => {
    expect(failed('action = 5').message).toBe(
      'Invalid query at position 10: Field "action" has "str" type. It can be compared to strings, but not to 5',
    );
    expect(failed('app = None').message).toBe(
      "Invalid query at position 7: Field app is not nullable, can't compare it to None",
    );
    expect(failed('client_ip in ("10.0.0.1", True)').message).toBe(
      'Invalid query at position 27: Field "client_ip" has "nullable str" type. It can be compared to strings or None, but not to True',
    );
    expect(failed('created > 5').message).toBe(
      'Invalid query at position 11: Field "created" has "datetime" type. It can be compared to timestamps in "YYYY-MM-DD HH:MM" format, but not to 5',
    );
    expect(failed('created > "yesterday"').message).toBe(
      'Invalid query at position 11: Field "created" can be compared to timestamps in "YYYY-MM-DD HH:MM" format, but not to \'yesterday\'',
    );
    expect(failed('created = "2026-02-30"').message).toMatch(/can be compared to timestamps/);
    expect(failed('event_uuid = "42"').message).toBe("Invalid query at position 14: '42' is not a valid UUID.");
    expect(failed('client_ip = "10.0.0"').message).toBe(
      "Invalid query at position 13: '10.0.0' is not a valid IPv4 or IPv6 address.",
    );
    expect(failed('client_ip in cidr("10.0.0.0/33")').message).toBe(
      "Invalid query at position 19: '10.0.0.0/33' is not an IPv4 or IPv6 network",
    );
    expect(failed('app in cidr("10.0.0.0/8")').message).toMatch(
      /cidr\(…\) can be used with client_ip and JSON keys only/,
    );
  });

  it('accepts the timestamps DjangoQL reads and ISO 8601', () => {
    for (const value of [
      '2026-11-30',
      '2026-1-5',
      '2026-11-30 05:09',
      '2026-11-30 05:09:07',
      '2026-11-30T05:09:07.123Z',
      '2026-11-30T05:09+01:00',
    ])
      expect(parseQuery(`created >= "${value}"`).ok).toBe(true);
    // ~ and its kin compare the text, so any string goes (DjangoQL's `created ~ "2021-11"`).
    expect(parseQuery('created ~ "2021-11"').ok).toBe(true);
    expect(parseQuery('event_uuid startswith "0193"').ok).toBe(true);
  });

  it('cidr( needs strings', () => {
    expect(failed('client_ip in cidr(10)').message).toBe(
      `Syntax error at position 19: unexpected '10', expected a network in double quotes, such as "10.0.0.0/8"`,
    );
    expect(failed('client_ip in cidr "x"').message).toMatch(/expected '\(' after cidr/);
    expect(failed('client_ip in ()').message).toMatch(/^Syntax error at position 15: unexpected '\)'/);
    expect(failed('client_ip in ("10.0.0.1",)').message).toMatch(/^Syntax error at position 26: unexpected '\)'/);
  });
});

describe('lexer errors', () => {
  it.each([
    ['action = "x" & app = "y"', "Syntax error at position 14: Illegal character '&'"],
    ['action = "unterminated', `Syntax error at position 10: Illegal character '"'`],
    ['action = "bad \\x escape"', `Syntax error at position 10: Illegal character '"'`],
    ['action = "line\nbreak"', `Syntax error at position 10: Illegal character '"'`],
    ["action = 'single'", `Syntax error at position 10: Illegal character "'"`],
    ['action = "x" or 🎉', "Syntax error at position 17: Illegal character '🎉'"],
    ['$ak_user = 1', "Syntax error at position 1: Illegal character '$'"],
    ['', "Syntax error at position 1: Unexpected end of input, expected a field name or '('"],
  ])('%j', (text, message) => {
    expect(failed(text).message).toBe(message);
  });

  it('names a long token by its first 17 characters, as DjangoQL does', () => {
    expect(failed('action = "x" "a very long string indeed"').message).toBe(
      `Syntax error at position 14: unexpected '"a very long stri...', expected 'and', 'or' or the end`,
    );
  });
});

describe('limits', () => {
  it('refuses a text longer than the limit', () => {
    const text = `context.x = "${'a'.repeat(queryLimits.length)}"`;
    expect(failed(text)).toEqual({
      message: `Query refused at position ${queryLimits.length + 1}: Too long: ${text.length} characters, at most ${queryLimits.length}`,
      position: queryLimits.length + 1,
      kind: 'limit',
    });
  });

  it('refuses nesting deeper than the limit, at the parenthesis too many', () => {
    const depth = queryLimits.depth;
    expect(parseQuery(`${'('.repeat(depth)}action = "x"${')'.repeat(depth)}`).ok).toBe(true);
    const error = failed(`${'('.repeat(depth + 1)}action = "x"${')'.repeat(depth + 1)}`);
    expect(error.message).toBe(
      `Query refused at position ${depth + 1}: Too deeply nested: at most ${depth} levels of parentheses`,
    );
    expect(failed('('.repeat(100_000)).kind).toBe('limit');
  });

  it('refuses more terms than the limit', () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `context.n = ${i}`).join(' or ');
    expect(parseQuery(terms(queryLimits.terms)).ok).toBe(true);
    const error = failed(terms(queryLimits.terms + 1));
    expect(error.kind).toBe('limit');
    expect(error.message).toMatch(
      new RegExp(`^Query refused at position \\d+: Too many terms: at most ${queryLimits.terms} comparisons$`),
    );
  });

  it('refuses more values than the limit', () => {
    const items = Array.from({ length: queryLimits.values + 1 }, (_, i) => i).join(',');
    expect(failed(`context.n in (${items})`).message).toMatch(/Too many values: at most 512 in one query/);
  });

  it('never throws, whatever it is given', () => {
    expect(parseQuery(undefined as unknown as string).ok).toBe(false);
    expect(parseQuery(5 as unknown as string).ok).toBe(false);
  });
});
