import { describe, expect, it } from 'vitest';
import { looksLikeQuery, plainSearch, planSearch, type QueryEvent, searchTerms } from '../../../lib/query/akql.ts';
import { jsonbText, smartSplit } from '../../../lib/query/plain.ts';

const event: QueryEvent = {
  pk: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  user: { username: 'alice', pk: 5 },
  action: 'login_failed',
  app: 'authentik.core',
  context: { geo: { country: 'DE' }, message: 'Bad "password"\n' },
  client_ip: '192.0.2.7',
  created: '2026-11-30T05:09:00.120Z',
  brand: { name: 'secret-brand' },
};

describe("Django's smart_split and DRF's search terms", () => {
  it.each([
    ['alice login', ['alice', 'login']],
    ['  alice\t\u3000login\u2028', ['alice', 'login']],
    ['"login failed" alice', ['"login failed"', 'alice']],
    ["it's", ["it's"]],
    ['a"b c"d e', ['a"b c"d', 'e']],
    ['"unterminated phrase', ['"unterminated', 'phrase']],
    ['"a\\"b c" d', ['"a\\"b c"', 'd']],
    ['"a"\'b c\'x', ['"a"\'b c\'x']],
  ])('smart_split(%j)', (text, words) => {
    expect(smartSplit(text)).toEqual(words);
  });

  it.each([
    ['alice,login', ['alice', 'login']],
    [',alice,, login,', ['alice', 'login']],
    ['"login failed",', ['login failed']],
    ['"a \\"quoted\\" word"', ['a "quoted" word']],
    ["'single quoted'", ['single quoted']],
    ['"', ['']],
    [',,,', []],
    ['a\0b', ['ab']],
    ['', []],
  ])('search terms of %j', (text, terms) => {
    expect(searchTerms(text)).toEqual(terms);
  });
});

describe('jsonb text', () => {
  it('orders keys as jsonb does (shorter first, then bytes) and spaces as PostgreSQL prints', () => {
    expect(jsonbText({ bb: [1, true, null], a: { c: 'x' }, é: 1, aa: 1.5 })).toBe(
      '{"a": {"c": "x"}, "aa": 1.5, "bb": [1, true, null], "é": 1}',
    );
    expect(jsonbText({})).toBe('{}');
    expect(jsonbText('tab\t"q"\\\u0001')).toBe('"tab\\t\\"q\\"\\\\\\u0001"');
  });
});

describe('plain search (the fallback)', () => {
  it.each([
    ['alice', true],
    ['ALICE LOGIN', true],
    ['alice logout', false],
    ['0193A1B2-C3D4', true],
    ['authentik.core', true],
    ['192.0.2', true],
    // JSON columns are searched as their text: keys, quotes and escapes included.
    ['"geo": {"country": "DE"}', true],
    ['"country": "NL"', false],
    ['{"country": "de"}', true],
    ['username', true],
    ['bad \\"password\\"\\n', true],
    // brand and created are no search fields.
    ['secret-brand', false],
    ['2026-11-30', false],
    ['', true],
  ])('%j → %s', (text, expected) => {
    expect(plainSearch(text, event)).toBe(expected);
  });

  it('an event without a client IP is found by its other fields', () => {
    expect(plainSearch('192.0.2', { ...event, client_ip: null })).toBe(false);
    expect(plainSearch('alice', { ...event, client_ip: null })).toBe(true);
  });
});

describe('when authentik falls back', () => {
  it.each([
    ['action = "login"', true],
    ['user.username ~ "ali" or client_ip in cidr("10.0.0.0/8")', true],
    ['\0action = "login"', true],
    ['alice', false],
    ['action = login', false],
    ['username = "alice"', false],
    ['action = 5', false],
    ['', false],
    ['\0', false],
  ])('looksLikeQuery(%j) is %s', (text, expected) => {
    expect(looksLikeQuery(text)).toBe(expected);
  });

  it('plans a search as authentik runs it', () => {
    expect(planSearch('')).toEqual({ mode: 'all' });
    expect(planSearch(',')).toEqual({ mode: 'all' });
    const query = planSearch('action = "login"');
    expect(query.mode).toBe('query');
    expect(planSearch('alice "login failed"')).toMatchObject({
      mode: 'plain',
      terms: ['alice', 'login failed'],
      queryShaped: false,
    });
  });

  it('says when a text that is no query starts like one, so a route may answer its error', () => {
    expect(planSearch('action = login')).toEqual({
      mode: 'plain',
      terms: ['action', '=', 'login'],
      error: {
        message: "Syntax error at position 10: unexpected 'login', expected a string, a number, True, False or None",
        position: 10,
        kind: 'syntax',
      },
      queryShaped: true,
    });
    expect(planSearch('username = "alice"')).toMatchObject({ queryShaped: true, error: { kind: 'schema' } });
    expect(planSearch('user.username not like "a"')).toMatchObject({ queryShaped: true });
    expect(planSearch(`context.x = "${'a'.repeat(5000)}"`)).toMatchObject({
      queryShaped: true,
      error: { kind: 'limit' },
    });
    expect(planSearch('alice & bob')).toMatchObject({ queryShaped: false });
  });
});
