// What dispatch reads for every event (the bindings of an event name, matcher policies) changes
// rarely: each container keeps a read for `cacheMs`, so a change takes effect within that time.

/** `load`, with each key's answer reused for `cacheMs` (0: never). A failed read is not kept. */
export function shortLived<T>(
  load: (key: string) => Promise<T>,
  options: { cacheMs: number; now?: () => number },
): (key: string) => Promise<T> {
  const now = options.now ?? Date.now;
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = kept.get(key);
    if (hit && options.cacheMs > 0 && now() - hit.at < options.cacheMs) return hit.value;
    const value = load(key);
    if (options.cacheMs > 0) {
      kept.set(key, { at: now(), value });
      value.catch(() => kept.delete(key));
    }
    return value;
  };
}
