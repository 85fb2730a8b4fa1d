// Binding validation: size bounds, then module, action, position, options and conditions checked together.
import { handlerModule, hiddenValue, moduleAction, parseBoolean } from '../handlers/modules.ts';
import { hasOwnKey, ownValue } from '../own-keys.ts';
import { type Binding, parameterError } from './binding.ts';
import { conditionProblem, policyUuidsOf } from './conditions.ts';

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
    const value = ownValue(binding.options, name);
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
  const unknownOption = Object.keys(binding.options).find((name) => !hasOwnKey(options, name));
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
