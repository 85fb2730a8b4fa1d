// What JSON.parse accepts but this service refuses, found in one pass over the text:
// - a key twice: parsers disagree on which one wins (JSON.parse keeps the last, others the
//   first), so a proxy and this service could read different requests;
// - nesting deeper than the limit: every later step (masking, zod, storage) walks the tree;
// - a number JSON.parse turns into ±Infinity (`1e400`), which JSON.stringify would write as null;
// - a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8 text (and so no stored body) can hold.

const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** The first lone surrogate in a string, as its escape, or null. */
function loneSurrogate(value: string): string | null {
  if (value.isWellFormed()) return null;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else if (code >= 0xd800 && code <= 0xdfff) return `\\u${code.toString(16)}`;
  }
  return null;
}

/** What is refused in valid JSON text (the message after `JSON parse error - `), or null. */
export function jsonProblem(text: string, maxDepth: number): string | null {
  // One entry per open object or array: the keys seen so far (null for an array).
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const token = text.slice(start, i + 1);
      const value = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      const surrogate = loneSurrogate(value);
      if (surrogate !== null) return `lone surrogate ${surrogate} in a string`;
      const keys = open.at(-1);
      if (expectKey && keys) {
        if (keys.has(value)) return `duplicate key ${JSON.stringify(value)}`;
        keys.add(value);
      }
      expectKey = false;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      if (open.length > maxDepth) return `nesting deeper than ${maxDepth} levels`;
      expectKey = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectKey = open.at(-1) instanceof Set;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const start = i;
      while (i + 1 < text.length && /[0-9eE.+-]/.test(text[i + 1] as string)) i++;
      const token = text.slice(start, i + 1);
      if (!Number.isFinite(Number(token))) return `number ${shown(token)} is out of range`;
    }
  }
  return null;
}
