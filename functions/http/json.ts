// JSON bodies with a key twice are refused: parsers disagree on which one wins (JSON.parse keeps
// the last, others the first), so a proxy and this service could read different requests.

/** The first key that appears twice in one object of valid JSON text, or null. */
export function duplicateKey(text: string): string | null {
  // One entry per open object or array: the keys seen so far (null for an array).
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const keys = open.at(-1);
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      expectKey = false;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(null);
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectKey = open.at(-1) instanceof Set;
    }
  }
  return null;
}
