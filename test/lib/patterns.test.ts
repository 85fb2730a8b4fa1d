import { describe, expect, it } from 'vitest';
import { compilePattern, maxPatternSize, PatternRefused, patternProblem } from '../../lib/patterns.ts';

describe('compilePattern', () => {
  it('matches the whole text only, as ^(?:…)$ did', async () => {
    const pattern = await compilePattern('ali.*|bob');
    expect(pattern.matchesWhole('alice')).toBe(true);
    expect(pattern.matchesWhole('bob')).toBe(true);
    expect(pattern.matchesWhole('xalice')).toBe(false);
    expect(pattern.matchesWhole('bobby')).toBe(false);
    expect((await compilePattern('')).matchesWhole('')).toBe(true);
    expect((await compilePattern('')).matchesWhole('a')).toBe(false);
  });

  it('gives the groups of a whole match, a group that took no part as empty', async () => {
    const pattern = await compilePattern('admin-(\\w+)|svc-(\\w+)');
    expect(pattern.wholeMatchGroups('admin-root')).toEqual(['root', '']);
    expect(pattern.wholeMatchGroups('svc-backup')).toEqual(['', 'backup']);
    expect(pattern.wholeMatchGroups('x-svc-backup')).toBeNull();
    expect((await compilePattern('a.c')).wholeMatchGroups('abc')).toEqual([]);
  });

  it('takes RE2 syntax: inline flags, named groups, classes and Unicode properties', async () => {
    expect((await compilePattern('(?i)ROOT')).matchesWhole('root')).toBe(true);
    expect((await compilePattern('(?i:r)OOT')).matchesWhole('rOOT')).toBe(true);
    expect((await compilePattern('(?s)a.b')).matchesWhole('a\nb')).toBe(true);
    expect((await compilePattern('a.b')).matchesWhole('a\nb')).toBe(false);
    expect((await compilePattern('(?P<user>[^@]+)@(?<host>.+)')).wholeMatchGroups('a@b')).toEqual(['a', 'b']);
    expect((await compilePattern('[[:digit:]]{3}\\d')).matchesWhole('1234')).toBe(true);
    expect((await compilePattern('\\p{L}+')).matchesWhole('Zoë')).toBe(true);
    expect((await compilePattern('\\x{41}')).matchesWhole('A')).toBe(true);
  });

  it('reads text by code point: one . is one emoji', async () => {
    expect((await compilePattern('.')).matchesWhole('😀')).toBe(true);
  });

  it.each([
    ['(a)\\1', /invalid escape sequence: `\\1`/],
    ['(?=a)a', /unsupported Perl syntax: `\(\?=`/],
    ['(?!a)b', /unsupported Perl syntax: `\(\?!`/],
    ['(?<=a)b', /invalid named capture/],
    ['(?<!a)b', /invalid named capture/],
    ['(', /missing closing \)/],
    ['x)|(.*', /unexpected \)/],
    ['[', /missing closing ]/],
    ['a++', /invalid nested repetition/],
    ['a{1001}', /invalid repeat count/],
    ['\\u0041', /invalid escape sequence/],
  ])('refuses %j', async (source, reason) => {
    await expect(compilePattern(source)).rejects.toThrow(PatternRefused);
    expect(await patternProblem(source)).toMatch(reason);
    expect(await patternProblem(source)).toMatch(/no backreferences, lookahead or lookbehind/);
  });

  it(`refuses a pattern compiling to more than ${maxPatternSize} instructions`, async () => {
    expect(await patternProblem('[a-z]{500}')).toBeNull();
    expect(await patternProblem('[a-z]{1000}')).toMatch(/more than 1000/);
    expect(await patternProblem('x'.repeat(5000))).toMatch(/more than 1000/);
  });

  it('refuses absurd nesting instead of overflowing', async () => {
    expect(await patternProblem(`${'('.repeat(50_000)}a${')'.repeat(50_000)}`)).not.toBeNull();
  });
});
