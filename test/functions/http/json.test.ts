import { describe, expect, it } from 'vitest';
import { duplicateKey } from '../../../functions/http/json.ts';

describe('duplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"b":1}}', 'b'],
    ['[{"x":1},{"y":[{"z":1,"z":2}]}]', 'z'],
    ['{"a\\u0062":1,"ab":2}', 'ab'],
    ['{ "k" : "v" , "k" : null }', 'k'],
  ])('finds the repeated key in %s', (text, key) => {
    expect(duplicateKey(text)).toBe(key);
  });

  it.each([
    '{"a":1,"b":{"a":1}}',
    '[{"a":1},{"a":2}]',
    '{"a":"a","b":"a"}',
    '{"a":"\\"a\\":","b":["a","a"]}',
    '{"a":{},"b":[]}',
    '"a"',
    '[]',
  ])('finds none in %s', (text) => {
    expect(duplicateKey(text)).toBeNull();
  });
});
