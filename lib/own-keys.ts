// Own keys: a name a client gives (an option, a condition, a JSON key, a path) is data, never an
// inherited member of Object.prototype (`constructor`, `__proto__`, `valueOf`, …). Every lookup
// by such a name reads own keys only, and every write defines an own key.
import * as z from 'zod';

type Keyed = object | null | undefined;

/** Does the object hold the name as its own key? */
export const hasOwnKey = (record: Keyed, key: string): boolean =>
  record !== null && record !== undefined && Object.hasOwn(record, key);

/** The value of an own key, else undefined. */
export const ownValue = <T>(record: Readonly<Record<string, T>> | Keyed, key: string): T | undefined =>
  hasOwnKey(record, key) ? (record as Record<string, T>)[key] : undefined;

/** The value at a path of own keys through objects (not arrays), else undefined. */
export function valueAtPath(root: unknown, keys: readonly string[]): unknown {
  let node = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = ownValue(node, key);
  }
  return node;
}

/** Defines an own key; an assignment to `__proto__` would set the prototype instead. */
export function setOwnKey(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A JSON object kept as the client wrote it: zod's record rebuilds it by assignment and drops a
 * `__proto__` key; this checks the shape and passes the object through.
 */
export const ownKeysObject = <T = unknown>(
  isValue: (value: unknown) => value is T,
  params: { error: string | ((issue: { input?: unknown }) => string) },
  /** The JSON Schema of a value, for the OpenAPI document. */
  valueSchema: Record<string, unknown> = {},
) =>
  z
    .custom<Record<string, T>>(
      (value) =>
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value).every((inner) => isValue(inner)),
      params,
    )
    .meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: valueSchema });
