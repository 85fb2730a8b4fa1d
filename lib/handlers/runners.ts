// What a run of a handler module's action gets and gives, and the runner table dispatch uses:
// each module's actions (modules.ts) bound to the settings built at cold start.
import type { Binding } from '../bindings/binding.ts';
import type { Event, JsonObject } from '../events/event.ts';
import type { StructuredLog } from '../log.ts';
import type { MailTransport } from './mail.ts';
import { handlerModules } from './modules.ts';
import type { WebhookSettings } from './webhook.ts';

/** An event the service records about itself as a result of a run (it carries its cause). */
export interface RecordedEvent {
  action: string;
  user: JsonObject;
  context: JsonObject;
}

export interface RunContext {
  /** The delivery id: stable across retries (the webhook-id). */
  deliveryId: string;
  /** This attempt's time: the webhook-timestamp (receivers refuse stale ones) and the Logging line's time. */
  now: Date;
  record(event: RecordedEvent): Promise<void>;
  /** Pre runs: counter changes are collected and written with the event (lib/dispatch/pre-counters.ts). */
  counters?: CounterActions;
  /** Pre runs: the epoch ms by which the run must have ended (the pre bindings' budget). */
  deadline?: number;
}

export interface RunResult {
  notes: string[];
  /** The changed event (pre position only). */
  event?: Event;
}

export type Runner = (binding: Binding, event: Event, context: RunContext) => Promise<RunResult>;

export interface CounterActions {
  increase(name: string): Promise<number>;
  decrease(name: string, allowNegative: boolean): Promise<number>;
  reset(name: string): Promise<number>;
}

export interface RunnerDeps {
  counters: CounterActions;
  mail: MailTransport;
  emailFrom: string;
  webhook: WebhookSettings;
  /** Where Logging writes its lines: the service's own structured log, at the binding's level. */
  log: StructuredLog;
}

/** The runner settings read from the environment; the caller adds the log. */
export type RunnerSettings = Omit<RunnerDeps, 'log'>;

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
