import { describe, expect, it } from 'vitest';
import { jsonProblem } from '../../../functions/http/json.ts';
import { requestLimits } from '../../../functions/http/limits.ts';

const problem = (text: string, depth = 32) => {
  JSON.parse(text); // every case is valid JSON: jsonProblem reads only that
  return jsonProblem(text, depth);
};

const nested = (levels: number, inner = '1') => `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('jsonProblem', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"b":1}}', 'b'],
    ['[{"x":1},{"y":[{"z":1,"z":2}]}]', 'z'],
    ['{"a\\u0062":1,"ab":2}', 'ab'],
    ['{ "k" : "v" , "k" : null }', 'k'],
    ['{"":1,"":2}', ''],
    ['{"__proto__":1,"__proto__":2}', '__proto__'],
  ])('finds the repeated key in %s', (text, key) => {
    expect(problem(text)).toBe(`duplicate key ${JSON.stringify(key)}`);
  });

  it.each([
    '{"a":1,"b":{"a":1}}',
    '[{"a":1},{"a":2}]',
    '{"a":"a","b":"a"}',
    '{"a":"\\"a\\":","b":["a","a"]}',
    '{"a":{},"b":[]}',
    '"a"',
    '[]',
    '{"n":[0,-1,1.5,-2.5e-3,1E+308,-1.7976931348623157e308,5e-324,1e-400]}',
    '{"s":"1e400 in a string, and [[[[ and {{{{"}',
    '{"pair":"\\ud83d\\ude00","raw":"😀","bmp":"\\u00e9\\uffff"}',
  ])('finds nothing to refuse in %s', (text) => {
    expect(problem(text)).toBeNull();
  });

  it('counts the body itself as the first level: the limit is accepted, one more is refused', () => {
    expect(requestLimits.jsonDepth).toBe(32);
    expect(problem(nested(32))).toBeNull();
    expect(problem(nested(31, '[]'))).toBeNull();
    expect(problem(nestedArrays(32))).toBeNull();
    expect(problem(nested(33))).toBe('nesting deeper than 32 levels');
    expect(problem(nested(32, '[]'))).toBe('nesting deeper than 32 levels');
    expect(problem(nestedArrays(33))).toBe('nesting deeper than 32 levels');
    expect(problem(nested(3), 2)).toBe('nesting deeper than 2 levels');
  });

  it('walks thousands of levels without recursion, stopping at the limit', () => {
    expect(problem(nestedArrays(30_000))).toBe('nesting deeper than 32 levels');
    expect(problem(nested(10_000))).toBe('nesting deeper than 32 levels');
  });

  it('counts depth per branch, not in total', () => {
    const wide = `[${Array.from({ length: 100 }, () => nestedArrays(31)).join(',')}]`;
    expect(problem(wide)).toBeNull();
  });

  it.each([
    ['1e400', '1e400'],
    ['{"a":-1e400}', '-1e400'],
    ['[1.8e308]', '1.8e308'],
    [`{"big":1${'0'.repeat(400)}}`, `1${'0'.repeat(39)}…`],
  ])('refuses a number JSON.parse would make infinite: %s', (text, shown) => {
    expect(problem(text)).toBe(`number ${shown} is out of range`);
  });

  it.each([
    ['"\\ud800"', '\\ud800'],
    ['{"a":"x\\udc00y"}', '\\udc00'],
    ['{"a":"\\ud83d"}', '\\ud83d'],
    ['{"a":"\\ude00\\ud83d"}', '\\ude00'],
    ['{"\\udbff":1}', '\\udbff'],
    ['["ok","\\ud83d\\ude00","\\ud800\\ud800"]', '\\ud800'],
  ])('refuses a lone surrogate in %s', (text, code) => {
    expect(problem(text)).toBe(`lone surrogate ${code} in a string`);
  });

  it('names the first problem in the text', () => {
    expect(problem('{"a":1e400,"a":"\\ud800"}')).toBe('number 1e400 is out of range');
    expect(problem('{"a":1,"a":1e400}')).toBe('duplicate key "a"');
  });
});
