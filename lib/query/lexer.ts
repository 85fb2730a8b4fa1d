// DjangoQL's tokens (djangoql/lexer.py), scanned by hand: no regular expression, one pass.
import { hasOwnKey, ownValue } from '../own-keys.ts';

export type TokenType =
  | 'name'
  | 'string'
  | 'number'
  | 'true'
  | 'false'
  | 'none'
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | 'startswith'
  | 'endswith'
  | '('
  | ')'
  | ','
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '~'
  | '!~'
  | 'end';

export interface Token {
  readonly type: TokenType;
  /** The source text of the token. */
  readonly text: string;
  /** 0-based offset in the query text. */
  readonly offset: number;
  /** A string's decoded value, a number's value. */
  readonly value?: string | number;
}

export class LexError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

const keywords: Readonly<Record<string, TokenType>> = {
  and: 'and',
  or: 'or',
  not: 'not',
  in: 'in',
  startswith: 'startswith',
  endswith: 'endswith',
  True: 'true',
  False: 'false',
  None: 'none',
};

const isWhitespace = (c: string) =>
  c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\u00a0' || isLineTerminator(c);
const isLineTerminator = (c: string) => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined) =>
  c !== undefined && (c === '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
const isNameChar = (c: string | undefined) => isNameStart(c) || isDigit(c);
const isHexDigit = (c: string | undefined) =>
  c !== undefined && (isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));

const simpleEscapes: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Python's repr of one character, as DjangoQL's "Illegal character" names it. */
const charRepr = (c: string) => (c === "'" ? `"'"` : `'${c === '\\' ? '\\\\' : c}'`);

/** The tokens of the text, `end` last (or the first `most` of them). Throws LexError at an illegal character. */
export function tokenize(text: string, most = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (tokens.length >= most) return tokens;
    const c = text[i] as string;
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i = scanString(text, i, tokens);
      continue;
    }
    if (isDigit(c) || (c === '-' && isDigit(text[i + 1]))) {
      i = scanNumber(text, i, tokens);
      continue;
    }
    if (isNameStart(c)) {
      let end = i + 1;
      while (isNameChar(text[end])) end++;
      const word = text.slice(i, end);
      const keyword = ownValue(keywords, word);
      if (keyword) {
        // A keyword is a token of its own even when a dot follows (`or.x` is `or` then an error).
        tokens.push({ type: keyword, text: word, offset: start });
        i = end;
        continue;
      }
      // Dotted parts: each must start like a name; `a..b` and `a.` stop at the dot.
      while (text[end] === '.' && isNameStart(text[end + 1])) {
        end += 2;
        while (isNameChar(text[end])) end++;
      }
      tokens.push({ type: 'name', text: text.slice(i, end), offset: start });
      i = end;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
      tokens.push({ type: two, text: two, offset: start });
      i += 2;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '=' || c === '>' || c === '<' || c === '~') {
      tokens.push({ type: c, text: c, offset: start });
      i++;
      continue;
    }
    throw new LexError(`Illegal character ${charRepr(String.fromCodePoint(text.codePointAt(i) ?? 0))}`, i);
  }
  tokens.push({ type: 'end', text: '', offset: text.length });
  return tokens;
}

function scanString(text: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  let value = '';
  let chunk = i;
  while (true) {
    const c = text[i];
    if (c === undefined || isLineTerminator(c)) {
      // No closing quote on this line: DjangoQL fails on the opening quote.
      throw new LexError(`Illegal character '"'`, start);
    }
    if (c === '"') {
      value += text.slice(chunk, i);
      tokens.push({ type: 'string', text: text.slice(start, i + 1), offset: start, value });
      return i + 1;
    }
    if (c === '\\') {
      value += text.slice(chunk, i);
      const next = text[i + 1];
      if (next !== undefined && hasOwnKey(simpleEscapes, next)) {
        value += simpleEscapes[next];
        i += 2;
      } else if (next === 'u' && [2, 3, 4, 5].every((k) => isHexDigit(text[i + k]))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        throw new LexError(`Illegal character '"'`, start);
      }
      chunk = i;
      continue;
    }
    i++;
  }
}

function scanNumber(text: string, start: number, tokens: Token[]): number {
  let i = start;
  if (text[i] === '-') i++;
  // `-?0|-?[1-9][0-9]*`: a leading zero stands alone, so `01` is two numbers.
  if (text[i] === '0') i++;
  else while (isDigit(text[i])) i++;
  if (text[i] === '.' && isDigit(text[i + 1])) {
    i += 2;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    const sign = text[i + 1] === '+' || text[i + 1] === '-' ? 1 : 0;
    if (isDigit(text[i + 1 + sign])) {
      i += 2 + sign;
      while (isDigit(text[i])) i++;
    }
  }
  const source = text.slice(start, i);
  tokens.push({ type: 'number', text: source, offset: start, value: Number(source) });
  return i;
}
