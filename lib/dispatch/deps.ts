// What dispatch needs from outside, as small interfaces (the stores and the handler runners);
// functions/deps.ts builds them from the real stores.
import type { Binding } from '../bindings/binding.ts';
import type { Event } from '../events/event.ts';
import type { Runner } from '../handlers/runners.ts';
import type { StructuredLog } from '../log.ts';
import type { MatcherPolicy } from '../matchers/policy.ts';
import type { BindingSource } from './bindings-source.ts';
import type { DispatchConfig } from './config.ts';
import type { Delivery, DeliveryStore } from './delivery.ts';
import type { DeliveryMetrics } from './metrics.ts';

export interface DispatchDeps {
  config: DispatchConfig;
  bindings: BindingSource;
  /** One binding as stored now: retries run with its current options. */
  binding(id: number): Promise<Binding | null>;
  deliveries: Pick<DeliveryStore, 'claim' | 'replace' | 'get' | 'due' | 'ofEvent'>;
  events: {
    get(id: string): Promise<Event | null>;
    /** Stores an event the hub records about itself. */
    record(event: Event): Promise<void>;
  };
  policies: { get(uuid: string): Promise<MatcherPolicy | null> };
  counters: { value(name: string): Promise<number> };
  runners: Record<string, Record<string, Runner>>;
  /**
   * Deliveries of no binding (binding 0, e.g. a Shared Signals push), run again by their module's
   * own runner: it takes the leased delivery and writes what it became (it may hold it again).
   */
  unbound?: Readonly<Record<string, (leased: Delivery) => Promise<unknown>>>;
  metrics: DeliveryMetrics;
  log: StructuredLog;
  now(): Date;
  random(): number;
}
