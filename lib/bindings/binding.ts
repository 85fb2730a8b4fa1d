// A binding: which handler module acts on which events, when, and how. This file turns
// privacyIDEA-style parameters (query, form or JSON, all strings or not) into a valid binding.
import * as z from 'zod';
import { invalid } from '../errors.ts';
import { eventActions, isEventAction } from '../events/actions.ts';
import { handlerModule, hiddenValue, moduleAction, parseBoolean, positions } from '../handlers/modules.ts';
import { conditionProblem, policyUuidsOf } from './conditions.ts';

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

// A binding is written in one transaction (100 items, 4 MB): an item per event name, one per
// matcher policy, each holding the whole binding. These bounds keep any write well inside it.
export const bindingLimits = {
  eventNames: 32,
  matcherPolicies: 8,
  /** UTF-8 bytes of one option value. */
  optionBytes: 32 * 1024,
  /** UTF-8 bytes of the name, the option and condition names and values together. */
  totalBytes: 48 * 1024,
} as const;

function checkLimits(binding: Binding): void {
  if (binding.event.length > bindingLimits.eventNames) {
    throw parameterError(`event: at most ${bindingLimits.eventNames} event names per binding`);
  }
  if (new Set(policyUuidsOf(binding.conditions)).size > bindingLimits.matcherPolicies) {
    throw parameterError(`conditions.matcher_policy: at most ${bindingLimits.matcherPolicies} matcher policies`);
  }
  let total = Buffer.byteLength(binding.name);
  for (const [name, value] of Object.entries(binding.options)) {
    const size = Buffer.byteLength(value);
    if (size > bindingLimits.optionBytes) {
      throw parameterError(`option.${name}: at most ${bindingLimits.optionBytes} bytes`);
    }
    total += Buffer.byteLength(name) + size;
  }
  for (const [name, value] of Object.entries(binding.conditions)) total += Buffer.byteLength(name + value);
  if (total > bindingLimits.totalBytes) {
    throw parameterError(
      `The binding is too large: name, options and conditions take at most ${bindingLimits.totalBytes} bytes`,
    );
  }
}

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
    flat[key] = String(inner);
  }
  return flat;
}

export const conditionsNotDict = "The 'conditions' parameter must be a dictionary.";

/** Checks the module, action, position, options and conditions together; throws the first problem. */
export async function validateBinding(binding: Binding): Promise<void> {
  checkLimits(binding);
  const module = handlerModule(binding.handlermodule);
  if (!module) throw parameterError(`Unknown handler module: ${binding.handlermodule}`);
  const options = moduleAction(module, binding.action)?.options;
  if (!options) {
    throw parameterError(
      `action: '${binding.action}' is not an action of ${module.name} (${Object.keys(module.actions).join(', ')})`,
    );
  }
  if (!module.positions.includes(binding.position)) {
    throw parameterError(
      `position: '${binding.position}' is not allowed for ${module.name} (${module.positions.join(', ')})`,
    );
  }
  for (const [name, descriptor] of Object.entries(options)) {
    const value = binding.options[name];
    const when = descriptor.requiredWhen;
    const required =
      descriptor.required ||
      (when !== undefined &&
        binding.options[when.option] !== undefined &&
        (when.equals === undefined || binding.options[when.option] === when.equals));
    if (value === undefined || value === '') {
      if (required) throw parameterError(`option.${name}: required for ${module.name} ${binding.action}`);
      continue;
    }
    if (descriptor.type === 'bool') parseBoolean(`option.${name}`, value);
    if (descriptor.value && !descriptor.value.includes(value)) {
      throw parameterError(`option.${name}: '${value}' is not one of ${descriptor.value.join(', ')}`);
    }
    const problem = value === hiddenValue && descriptor.writeOnly ? null : await descriptor.check?.(value);
    if (problem) throw parameterError(`option.${name}: ${problem}`);
  }
  const unknownOption = Object.keys(binding.options).find((name) => !(name in options));
  if (unknownOption !== undefined) {
    throw parameterError(
      `option.${unknownOption}: not an option of ${module.name} ${binding.action} (${Object.keys(options).join(', ')})`,
    );
  }
  for (const [name, value] of Object.entries(binding.conditions)) {
    const problem = await conditionProblem(name, value);
    if (problem) throw parameterError(`conditions.${name}: ${problem}`);
  }
}

/** The event names bindings can react to. */
export const availableEvents: readonly string[] = eventActions;

/** How GET shows a binding: the twelve keys, write-only options hidden. */
export function bindingView(binding: Binding): Binding {
  const module = handlerModule(binding.handlermodule);
  const descriptors = (module && moduleAction(module, binding.action)?.options) ?? {};
  const options = Object.fromEntries(
    Object.entries(binding.options).map(([name, value]) => [name, descriptors[name]?.writeOnly ? hiddenValue : value]),
  );
  const { id, name, active, ordering, position, abort_on_error, action, event, handlermodule, conditions } = binding;
  return {
    id,
    name,
    active,
    ordering,
    position,
    abort_on_error,
    action,
    condition: '',
    event,
    handlermodule,
    options,
    conditions,
  };
}

const patchMap = z.record(z.string(), z.union([z.string(), z.null()]), {
  error: 'must be an object of strings (null removes a key)',
});

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
