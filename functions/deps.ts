// The one place dispatch's dependencies are built from the real stores and the environment
// (lib/dispatch/deps.ts declares what dispatch needs); built once per cold start.
import { bindingSource } from '../lib/dispatch/bindings-source.ts';
import { type DispatchConfig, readDispatchConfig } from '../lib/dispatch/config.ts';
import type { DispatchDeps } from '../lib/dispatch/deps.ts';
import { defaultMetricsNamespace, deliveryMetrics } from '../lib/dispatch/metrics.ts';
import { shortLived } from '../lib/dispatch/short-lived.ts';
import type { MailTransport } from '../lib/handlers/mail.ts';
import { handlerRunners, type RunnerSettings } from '../lib/handlers/runners.ts';
import { webhookTimeoutMs } from '../lib/handlers/webhook.ts';
import type { StructuredLog } from '../lib/log.ts';
import { bindingStore } from '../lib/store/bindings.ts';
import { counterStore } from '../lib/store/counters.ts';
import { deliveryStore } from '../lib/store/deliveries.ts';
import { eventStore } from '../lib/store/events.ts';
import { matcherPolicyStore } from '../lib/store/matcher-policies.ts';

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
