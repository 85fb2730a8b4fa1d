// A binding: which handler module acts on which events, when, and how; its record and the
// privacyIDEA-style parameters (query, form or JSON, all strings or not) it is read from.
import * as z from 'zod';
import { invalid } from '../errors.ts';
import { eventActions, isEventAction } from '../events/actions.ts';
import { ownKeysObject, setOwnKey } from '../own-keys.ts';

/** When a binding runs: `pre` inside the ingest request before the event is stored, `post` from the stream. */
export const positions = ['pre', 'post'] as const;
export type Position = (typeof positions)[number];

/** A binding as GET shows it and the store keeps it: privacyIDEA's twelve keys. */
export const bindingShape = z.object({
  id: z.int(),
  name: z.string(),
  active: z.boolean(),
  ordering: z.int(),
  position: z.enum(positions),
  abort_on_error: z.boolean(),
  action: z.string(),
  /** Legacy, always "". */
  condition: z.literal(''),
  event: z.array(z.string()),
  handlermodule: z.string(),
  options: z.record(z.string(), z.string()),
  conditions: z.record(z.string(), z.string()),
});

export type Binding = z.output<typeof bindingShape>;

/** The order bindings run and are listed in: by ordering, then by id. */
export const byOrdering = (a: Binding, b: Binding) => a.ordering - b.ordering || a.id - b.id;

/** A stored binding: the twelve keys plus its version (the ETag). */
export type StoredBinding = Binding & { version: number };

/** A parameter problem: privacyIDEA's 400/905, the message naming the parameter. */
export const parameterError = (message: string) => invalid('', message);

export const maxOrdering = 2_147_483_647;

export function parseInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw parameterError(`${name}: '${String(value)}' must be an integer from ${min} to ${max}`);
  }
  return number;
}

/** The highest binding id, privacyIDEA's integer column (README); generated ids never pass it either. */
export const maxBindingId = 2_147_483_647;

export const parseBindingId = (name: string, value: unknown) => parseInteger(name, value, 1, maxBindingId);

/**
 * A binding id in a path: a problem is an issue (400/905), never an exception. Any safe integer
 * is read: a binding stored with a larger id before maxBindingId can still be read and deleted.
 */
export const bindingIdParameter = (name: string) =>
  z.object({ [name]: z.string() }).transform((path, ctx) => {
    try {
      return parseInteger(name, path[name], 1);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** Event names: a JSON list, a JSON-encoded list, or a comma-separated string. */
export function parseEventNames(value: unknown): string[] {
  let names: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      names = JSON.parse(value);
    } catch {
      throw parameterError(`event: '${value}' is not a JSON list`);
    }
  } else if (typeof value === 'string') {
    names = value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string')) {
    throw parameterError('event: must be a comma-separated list or a JSON list of event names');
  }
  const unknown = names.find((name) => !isEventAction(name));
  if (unknown !== undefined) {
    throw parameterError(
      `event: '${unknown}' is not an available event (see GET /event/available, or use custom_<suffix>)`,
    );
  }
  return [...new Set(names as string[])];
}

/** A flat string map (conditions, options): an object or a JSON string of one. */
export function parseFlatMap(name: string, value: unknown, notDictMessage: string): Record<string, string> {
  let map: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      map = JSON.parse(value);
    } catch {
      throw parameterError(notDictMessage);
    }
  }
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw parameterError(notDictMessage);
  const flat: Record<string, string> = {};
  for (const [key, inner] of Object.entries(map)) {
    if (inner === null || typeof inner === 'object') throw parameterError(`${name}: '${key}' must be a string`);
    setOwnKey(flat, key, String(inner));
  }
  return flat;
}

export const conditionsNotDict = "The 'conditions' parameter must be a dictionary.";

/** The event names bindings can react to. */
export const availableEvents: readonly string[] = eventActions;

const patchMap = ownKeysObject(
  (value): value is string | null => value === null || typeof value === 'string',
  { error: 'must be an object of strings (null removes a key)' },
  { type: ['string', 'null'] },
);

/** The JSON body of PATCH /event/{eventid}: only the fields to change. */
export const bindingPatch = z.strictObject(
  {
    name: z.string().min(1, { error: 'name: may not be empty' }).optional(),
    event: z
      .union([z.array(z.string()), z.string()], { error: 'event: must be a list or a comma-separated string' })
      .optional(),
    handlermodule: z.string({ error: 'handlermodule: must be a string' }).optional(),
    action: z.string({ error: 'action: must be a string' }).optional(),
    position: z.string({ error: 'position: must be a string' }).optional(),
    ordering: z.union([z.number(), z.string()], { error: 'ordering: must be an integer' }).optional(),
    active: z.union([z.boolean(), z.string(), z.number()], { error: 'active: must be a boolean' }).optional(),
    abort_on_error: z
      .union([z.boolean(), z.string(), z.number()], { error: 'abort_on_error: must be a boolean' })
      .optional(),
    options: patchMap.optional(),
    conditions: patchMap.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown parameter: ${issue.keys.join(', ')}`
        : issue.input === undefined
          ? 'Missing body: send a JSON object of the fields to change'
          : 'The body must be a JSON object',
  },
);
