// authentik's fallback for a search that is no query: Django REST framework's SearchFilter over
// the event list's `search_fields` (event_uuid, user, action, app, context, client_ip). The text
// is split as DRF's `search_smart_split` does (Django's `smart_split`, quoted phrases kept
// whole); every term must be a case-insensitive substring of one field as PostgreSQL writes
// it (`icontains`: a JSON column as its jsonb text, keys included). Scanned by hand, no regex.
import { fold, jsonScalarText, numberText, type QueryEvent } from './evaluate.ts';

const pythonSpaces = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
/** Python's `\s` on text. */
const isSpace = (text: string, i: number) => pythonSpaces.has(text.charCodeAt(i));
const isQuote = (c: string | undefined) => c === '"' || c === "'";

/** The end of the quoted string opening at `start` (after its closing quote), or -1 when it never closes. */
function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) return i + 1;
    if (c === '\\') {
      // `\\.`: a backslash takes the next character, except a newline (`.` does not match it).
      if (i + 1 >= text.length || text[i + 1] === '\n') return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** The end of the run of characters that are neither whitespace nor quotes, from `i`. */
function bareEnd(text: string, i: number): number {
  while (i < text.length && !isSpace(text, i) && !isQuote(text[i])) i++;
  return i;
}

/** Django's `smart_split`: words, with quoted parts (`"a b"`, `x="a b"c`) kept in their word. */
export function smartSplit(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text, i)) {
      i++;
      continue;
    }
    // `[^\s'"]*(?:quoted[^\s'"]*)+`, else `\S+`.
    let end = bareEnd(text, i);
    let quotedParts = 0;
    while (isQuote(text[end])) {
      const closed = quotedEnd(text, end);
      if (closed < 0) break;
      end = bareEnd(text, closed);
      quotedParts++;
    }
    if (quotedParts === 0) {
      end = i;
      while (end < text.length && !isSpace(text, end)) end++;
    }
    words.push(text.slice(i, end));
    i = end;
  }
  return words;
}

const stripCommas = (term: string) => {
  let start = 0;
  let end = term.length;
  while (start < end && term[start] === ',') start++;
  while (end > start && term[end - 1] === ',') end--;
  return term.slice(start, end);
};

/** DRF's `search_smart_split`: quoted phrases unquoted, everything else split at commas. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of smartSplit(text.replaceAll('\0', ''))) {
    const term = stripCommas(word);
    if (isQuote(term[0]) && term[0] === term[term.length - 1]) {
      // Django's unescape_string_literal.
      const quote = term[0] as string;
      terms.push(term.slice(1, -1).replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\'));
    } else {
      for (const part of term.split(',')) if (part !== '') terms.push(part);
    }
  }
  return terms;
}

// ---- jsonb as PostgreSQL writes it ----

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** jsonb's key order: shorter (in UTF-8 bytes) first, then byte order. */
function jsonbKeyOrder(a: string, b: string): number {
  const length = utf8Length(a) - utf8Length(b);
  if (length !== 0) return length;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function jsonbString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const code = value.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** A JSON value as `jsonb::text` prints it: `{"a": 1, "bb": [true, null]}`. */
export function jsonbText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return jsonbString(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return jsonScalarText(value) as string;
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(jsonbKeyOrder);
    const record = value as Record<string, unknown>;
    return `{${keys.map((key) => `${jsonbString(key)}: ${jsonbText(record[key])}`).join(', ')}}`;
  }
  return 'null';
}

/** The texts the fallback searches in, in `search_fields` order; client_ip only when set. */
export function plainSearchTexts(event: QueryEvent): string[] {
  const texts = [event.pk, jsonbText(event.user), event.action, event.app, jsonbText(event.context)];
  if (event.client_ip !== null) texts.push(event.client_ip);
  return texts.map(fold);
}

/** The fallback as a function of an event; an empty search (no terms) matches every event. */
export function compilePlainSearch(text: string): (event: QueryEvent) => boolean {
  const terms = searchTerms(text).map(fold);
  if (terms.length === 0) return () => true;
  return (event) => {
    const texts = plainSearchTexts(event);
    return terms.every((term) => texts.some((field) => field.includes(term)));
  };
}

/** Does the event match the text as authentik's plain search? */
export function plainSearch(text: string, event: QueryEvent): boolean {
  return compilePlainSearch(text)(event);
}
