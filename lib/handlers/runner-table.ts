// The runner table: each handler module's actions bound to the settings built at cold start.
import { handlerModules } from './modules.ts';
import type { Runner, RunnerDeps } from './runners.ts';

/** Each module's actions bound to the settings: the table dispatch looks a binding's runner up in. */
export function handlerRunners(deps: RunnerDeps): Record<string, Record<string, Runner>> {
  return Object.fromEntries(
    handlerModules.map((module) => [
      module.name,
      Object.fromEntries(
        Object.entries(module.actions).map(([name, action]): [string, Runner] => [
          name,
          (binding, event, context) => action.run(binding, event, context, deps),
        ]),
      ),
    ]),
  );
}
