// What dispatch needs from outside, as small interfaces (the stores and the handler runners),
// and the one place that builds them from the real stores.
import type { Binding } from '../bindings/binding.ts';
import type { Event } from '../events/event.ts';
import type { MailTransport } from '../handlers/mail.ts';
import { handlerRunners, type Runner, type RunnerSettings } from '../handlers/runners.ts';
import { webhookTimeoutMs } from '../handlers/webhook.ts';
import type { StructuredLog } from '../log.ts';
import type { MatcherPolicy } from '../matchers/policy.ts';
import { bindingStore } from '../store/bindings.ts';
import { counterStore } from '../store/counters.ts';
import { type DeliveryStore, deliveryStore } from '../store/deliveries.ts';
import { eventStore } from '../store/events.ts';
import { matcherPolicyStore } from '../store/matcher-policies.ts';
import { type BindingSource, bindingSource } from './bindings-source.ts';
import { type DispatchConfig, readDispatchConfig } from './config.ts';
import { type DeliveryMetrics, defaultMetricsNamespace, deliveryMetrics } from './metrics.ts';
import { shortLived } from './short-lived.ts';

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
  metrics: DeliveryMetrics;
  log: StructuredLog;
  now(): Date;
  random(): number;
}

/** A transport for functions that only ever run pre handlers (no module sends mail there). */
export const noMail: MailTransport = {
  name: 'none',
  send: () => Promise.reject(new Error('mail is sent only from post bindings')),
};

/** Runner settings where only pre handlers run (ingest): no mail transport, so no SES in the bundle. */
export function preRunnerDeps(): RunnerSettings {
  return {
    counters: counterStore,
    mail: noMail,
    emailFrom: '',
    webhook: { allowPrivate: process.env.WEBHOOK_ALLOW_PRIVATE === '1', timeoutMs: webhookTimeoutMs },
  };
}

/** Dispatch over the real stores, writing to `log`; built once per cold start. */
export function dispatchDeps(
  runnerSettings: RunnerSettings,
  log: StructuredLog,
  config: DispatchConfig = readDispatchConfig(),
): DispatchDeps {
  return {
    config,
    bindings: bindingSource(bindingStore, { cacheMs: config.bindingCacheMs }),
    binding: (id) => bindingStore.get(id),
    deliveries: deliveryStore({ retentionDays: config.deliveryRetentionDays }),
    events: {
      get: (id) => eventStore.get(id),
      record: async (event) => {
        await eventStore.put(event);
      },
    },
    // Every binding naming a policy reads it for every event: keep it as long as the bindings.
    policies: { get: shortLived((uuid) => matcherPolicyStore.get(uuid), { cacheMs: config.bindingCacheMs }) },
    counters: counterStore,
    runners: handlerRunners({ ...runnerSettings, log }),
    metrics: deliveryMetrics({ namespace: process.env.METRICS_NAMESPACE || defaultMetricsNamespace, log }),
    log,
    now: () => new Date(),
    random: Math.random,
  };
}
