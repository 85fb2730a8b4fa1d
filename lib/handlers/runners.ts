// What a run of a handler module's action gets and gives, and the settings its runners are built
// with; the runner table itself is runner-table.ts.
import type { Binding } from '../bindings/binding.ts';
import type { Event, JsonObject } from '../events/event.ts';
import type { StructuredLog } from '../log.ts';
import type { MailTransport } from './mail.ts';
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
