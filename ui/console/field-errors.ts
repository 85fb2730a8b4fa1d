// A DRF 400 (`{"field": ["message"]}`) shown where it belongs: each message under the control it
// names (its aria-describedby), the rest of the refusal in words above the form's buttons.
import { html, nothing } from 'lit';
import { ApiError, messageOf } from './api.ts';
import { text } from './base.ts';

export type FieldErrors = ReadonlyMap<string, string>;

/** The messages of the form's own fields, and the rest as one error in words (or the error as it is). */
export function splitErrors(
  error: unknown,
  names: readonly string[],
  /** Said above the buttons when every message has a field of its own. */
  marked: string,
): { fields: FieldErrors; rest: unknown } {
  const fields = new Map<string, string>();
  const body = error instanceof ApiError && error.status === 400 ? error.body : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || 'detail' in body) {
    return { fields, rest: error };
  }
  // Entries, not an object: the service may name a field `__proto__`.
  const rest: [string, unknown][] = [];
  for (const [key, value] of Object.entries(body)) {
    if (names.includes(key)) {
      fields.set(key, Array.isArray(value) ? value.map((message) => text(message)).join(' ') : text(value));
    } else {
      rest.push([key, value]);
    }
  }
  return { fields, rest: new Error(rest.length > 0 ? messageOf(Object.fromEntries(rest), 400) : marked) };
}

export const errorId = (prefix: string, name: string) => `${prefix}-${name}-error`;

/** A control's aria-describedby: its hints, and its message when it has one. */
export function describedBy(errors: FieldErrors, prefix: string, name: string, ...hints: string[]) {
  const ids = [...hints, ...(errors.has(name) ? [errorId(prefix, name)] : [])];
  return ids.length > 0 ? ids.join(' ') : nothing;
}

export const invalid = (errors: FieldErrors, name: string) => (errors.has(name) ? 'true' : 'false');

/** The field's message, under it. */
export function fieldError(errors: FieldErrors, prefix: string, name: string) {
  const message = errors.get(name);
  return message === undefined ? nothing : html`<p class="error" id=${errorId(prefix, name)}>${message}</p>`;
}
