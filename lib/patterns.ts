// Admin-supplied regular expressions (binding conditions, RequestMangler's match_pattern) run on
// re2js: RE2 syntax, time linear in the input, so no pattern and no input can hang the service.
// re2js loads with the first pattern compiled (a chunk of its own in a bundle, infra/bundling.ts):
// 150 KB that most cold starts of the functions able to see a pattern never need.
import type { RE2JS } from 're2js';

let engine: Promise<typeof RE2JS> | undefined;
const loadEngine = () => {
  engine ??= import('re2js').then((module) => module.RE2JS);
  return engine;
};

/** Largest compiled program (RE2 instructions) accepted: matching costs up to size × input length. */
export const maxPatternSize = 1000;

/** A compiled pattern; every match is of the whole text, as `^(?:pattern)$` was. */
export interface Pattern {
  /** Does the whole text match? */
  matchesWhole(text: string): boolean;
  /** The groups of a whole-text match ('' for a group that took no part), or null without one. */
  wholeMatchGroups(text: string): string[] | null;
}

/** A pattern refused at compile time; the message says why. */
export class PatternRefused extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'PatternRefused';
  }
}

export const patternSyntax = 'RE2 syntax: no backreferences, lookahead or lookbehind';

function refusal(error: unknown): string {
  // re2js names the construct it stopped at: "error parsing regexp: invalid escape sequence: `\1`".
  const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  return `${reason} (${patternSyntax})`;
}

export async function compilePattern(source: string): Promise<Pattern> {
  const RE2 = await loadEngine();
  let re: RE2JS;
  try {
    re = RE2.compile(source);
  } catch (error) {
    // A stack overflow on absurd nesting is a refusal like any other.
    throw new PatternRefused(refusal(error));
  }
  const size = re.programSize();
  if (size > maxPatternSize) {
    throw new PatternRefused(`compiles to ${size} instructions, more than ${maxPatternSize} (${patternSyntax})`);
  }
  const groupCount = re.groupCount();
  return {
    matchesWhole: (text) => re.testExact(text),
    wholeMatchGroups(text) {
      // The capture-free DFA answers most texts that do not match; groups need the slower NFA.
      if (!re.testExact(text)) return null;
      const matcher = re.matcher(text);
      if (!matcher.matches()) return null;
      return Array.from({ length: groupCount }, (_, index) => matcher.group(index + 1) ?? '');
    },
  };
}

/** Why a pattern is refused, or null when it compiles. */
export async function patternProblem(source: string): Promise<string | null> {
  try {
    await compilePattern(source);
    return null;
  } catch (error) {
    if (error instanceof PatternRefused) return error.problem;
    throw error;
  }
}
