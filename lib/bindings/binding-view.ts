// How GET shows a binding: privacyIDEA's twelve keys, the write-only options of its module hidden.
import { handlerModule, hiddenValue, moduleAction } from '../handlers/modules.ts';
import type { Binding } from './binding.ts';

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
