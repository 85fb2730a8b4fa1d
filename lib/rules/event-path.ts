// A JSON path into an event, as a rule's `group_by` and `field` name it: the query language's
// field names (`client_ip`, `user.username`, `context.geo.country`), read the way its evaluator
// reads them (own keys of objects only; a missing key and JSON null are both null).
import type { Event } from '../events/event.ts';
import { ownValue, valueAtPath } from '../own-keys.ts';

/** The event's top-level fields a path may start with; the JSON ones need at least one key. */
const scalarRoots = ['action', 'app', 'client_ip'] as const;
const jsonRoots = ['user', 'brand', 'context'] as const;

export const eventPathLimits = { length: 200, keys: 8 } as const;

// A key as the query language's names spell it.
const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const eventPathHelp =
  'Name a path as a query does: action, app, client_ip, or user, brand or context followed by keys (user.username, context.geo.country).';

/** The path's parts, or a message saying why the text is no path. */
export function parseEventPath(text: string): { ok: true; parts: string[] } | { ok: false; message: string } {
  if (text.length > eventPathLimits.length) {
    return { ok: false, message: `Ensure this path has no more than ${eventPathLimits.length} characters.` };
  }
  const parts = text.split('.');
  const [root = '', ...keys] = parts;
  const bad = `"${text}" is not a path. ${eventPathHelp}`;
  if (!parts.every((part) => keyPattern.test(part))) return { ok: false, message: bad };
  if ((scalarRoots as readonly string[]).includes(root))
    return keys.length === 0 ? { ok: true, parts } : { ok: false, message: bad };
  if (!(jsonRoots as readonly string[]).includes(root) || keys.length === 0) return { ok: false, message: bad };
  if (keys.length > eventPathLimits.keys) {
    return { ok: false, message: `Ensure this path has no more than ${eventPathLimits.keys} keys after its field.` };
  }
  return { ok: true, parts };
}

/** What a path reads of an event. */
export type PathEvent = Pick<Event, 'action' | 'app' | 'client_ip' | 'user' | 'brand' | 'context'>;

/** The value at a parsed path; null when a key is missing or holds JSON null. */
export function valueAtEventPath(event: PathEvent, parts: readonly string[]): unknown {
  const [root = '', ...keys] = parts;
  const top = ownValue(event as unknown as Record<string, unknown>, root);
  const value = keys.length === 0 ? top : valueAtPath(top, keys);
  return value === undefined ? null : value;
}

/** One spelling per JSON value (keys sorted), so that equal values group and count as one. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
