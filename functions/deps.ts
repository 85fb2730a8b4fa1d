// The one place the domain's dependencies are built from the real stores and the environment
// (lib/ declares what it needs). Plain consts and functions, top-level calls marked pure: each
// function's bundle keeps only the ones it imports (esbuild drops the rest).
import type { AdminStore } from '../lib/admins/admins.ts';
import type { BindingDeps } from '../lib/bindings/bindings.ts';
import { envInt, envString } from '../lib/config.ts';
import type { ConnectorDeps } from '../lib/connectors/connectors.ts';
import type { ConnectorIngestDeps } from '../lib/connectors/ingest.ts';
import { bindingSource } from '../lib/dispatch/bindings-source.ts';
import { type DispatchConfig, readDispatchConfig } from '../lib/dispatch/config.ts';
import type { DeliveryStore } from '../lib/dispatch/delivery.ts';
import type { DispatchDeps } from '../lib/dispatch/deps.ts';
import { defaultMetricsNamespace, deliveryMetrics } from '../lib/dispatch/metrics.ts';
import { dispatchPre } from '../lib/dispatch/pre.ts';
import { shortLived } from '../lib/dispatch/short-lived.ts';
import { retentionDays } from '../lib/events/audit.ts';
import type { Event } from '../lib/events/event.ts';
import type { EventStore } from '../lib/events/event-store.ts';
import type { IngestOptions, IngestStore } from '../lib/events/ingest.ts';
import type { CounterStore } from '../lib/handlers/counters.ts';
import type { MailTransport } from '../lib/handlers/mail.ts';
import { handlerRunners } from '../lib/handlers/runner-table.ts';
import type { RunnerSettings } from '../lib/handlers/runners.ts';
import { runnerDepsFromEnvironment } from '../lib/handlers/settings.ts';
import { webhookSettingsFrom } from '../lib/handlers/webhook.ts';
import type { StructuredLog } from '../lib/log.ts';
import type { PolicyDeps, PolicyTestDeps } from '../lib/matchers/policies.ts';
import { checkedPost } from '../lib/net/checked-post.ts';
import { resolveDestination } from '../lib/net/destination.ts';
import { recordFire } from '../lib/rules/fires.ts';
import type { LiveRuleDeps } from '../lib/rules/live.ts';
import type { RuleReplayDeps } from '../lib/rules/replay.ts';
import type { RuleDeps } from '../lib/rules/rules.ts';
import { heldKey } from '../lib/ssf/held-keys.ts';
import { cachedKeys } from '../lib/ssf/key-cache.ts';
import { newLocalKey, type SetSigner } from '../lib/ssf/keys.ts';
import type { PollDeps } from '../lib/ssf/poll.ts';
import { type PushDeps, signalsModule } from '../lib/ssf/push.ts';
import { runPushDelivery } from '../lib/ssf/push-retry.ts';
import { activeSigningKey, type SigningKeyDeps, signerFor } from '../lib/ssf/signing-keys.ts';
import type { StreamDeps } from '../lib/ssf/streams.ts';
import type { TransmitDeps } from '../lib/ssf/transmit.ts';
import { adminStore } from '../lib/store/admins.ts';
import { tallies } from '../lib/store/analytics.ts';
import { bindingStore } from '../lib/store/bindings.ts';
import { connectorStore } from '../lib/store/connectors.ts';
import { counterStore } from '../lib/store/counters.ts';
import { deliveryStore } from '../lib/store/deliveries.ts';
import { eventLog } from '../lib/store/event-log.ts';
import { eventStore } from '../lib/store/events.ts';
import { ingestStore } from '../lib/store/ingest.ts';
import { matcherPolicyStore } from '../lib/store/matcher-policies.ts';
import { ruleStateStore } from '../lib/store/rule-states.ts';
import { ruleStore } from '../lib/store/rules.ts';
import { signingKeyStore } from '../lib/store/ssf-keys.ts';
import { kmsKeyHolder } from '../lib/store/ssf-kms.ts';
import { heldSetStore, pushedSetStore, setQueueStore, ssfStreamStore } from '../lib/store/ssf-streams.ts';
import { logger } from './logger.ts';

/** Who is calling (the authorizer). */
export const admins: AdminStore = adminStore;

/** The binding routes: bindings, and the policies their conditions name. */
export const bindingDeps: BindingDeps = { bindings: bindingStore, policies: matcherPolicyStore };

/** The binding routes that only read. */
export const bindingReadDeps: Pick<BindingDeps, 'bindings'> = { bindings: bindingStore };

/** The matcher policy routes: policies, and the bindings naming them. */
export const policyDeps: PolicyDeps = { policies: matcherPolicyStore, bindings: bindingStore };

/** Testing a policy against a stored event. */
export const policyTestDeps: PolicyTestDeps = { policies: matcherPolicyStore, events: eventStore };

/** The counter routes and the Counter module. */
export const counters: CounterStore = counterStore;

/** Reading events by id. */
export const events: Pick<EventStore, 'get'> = eventStore;

/** Events one request may read beyond its page before counts are estimated (docs/data-model.md). */
export const readBudget = /* @__PURE__ */ envInt('EVENT_READ_BUDGET', 1000);

/** The event log as the list and search routes read it. */
export const eventLogReader = /* @__PURE__ */ eventLog({ readBudget });

/** What the analytics routes read: the event log, the seal's tallies and the budget. */
export const analyticsDeps = { log: eventLogReader, tallies, readBudget };

/**
 * The Shared Signals transmitter's signing keys: a new local RSA pair, or in the stack the KMS key
 * SSF_KMS_KEY_ID names (its client built with the first call), as the first key and as a
 * rotation's; read again after SSF_KEY_CACHE_MS (60 s); a rotation's key is published
 * SSF_KEY_ACTIVATION_MS (1 h) before it signs (docs/data-model.md, "Shared Signals").
 */
const ssfKmsKeyId = /* @__PURE__ */ envString('SSF_KMS_KEY_ID', '');
const ssfKeyHolder = /* @__PURE__ */ kmsKeyHolder();
export const ssfKeyDeps: SigningKeyDeps = {
  keys: /* @__PURE__ */ cachedKeys(signingKeyStore, { cacheMs: envInt('SSF_KEY_CACHE_MS', 60_000) }),
  newKey: () => (ssfKmsKeyId ? heldKey(ssfKeyHolder, ssfKmsKeyId) : newLocalKey()),
  holder: ssfKeyHolder,
  activationMs: /* @__PURE__ */ envInt('SSF_KEY_ACTIVATION_MS', 3_600_000),
  now: () => new Date(),
};

const signers = new Map<string, Promise<SetSigner>>();
/** The key that signs SETs now; each key's signer (a PKCS#8 import, or the KMS client) made once per container. */
export async function ssfSigner(): Promise<SetSigner> {
  const key = await activeSigningKey(ssfKeyDeps);
  let signer = signers.get(key.kid);
  if (!signer) {
    signer = signerFor(key, ssfKeyDeps.holder);
    signers.set(key.kid, signer);
    signer.catch(() => signers.delete(key.kid));
  }
  return signer;
}

/** Pushing SETs through the delivery ledger: the ledger's part of dispatch, the streams, the SETs kept, the checked POST. */
export function ssfPushDeps(dispatch: PushDeps['dispatch']): PushDeps {
  return {
    dispatch,
    streams: ssfStreamStore,
    pushed: pushedSetStore,
    held: heldSetStore,
    send: (url, request) => checkedPost(url, request, webhookSettingsFrom(process.env)),
  };
}

/** The ledger as a route that pushes (verification) needs it; its delivery metrics are not sent from a route. */
function routeLedger(): PushDeps['dispatch'] {
  const config = readDispatchConfig();
  return {
    config,
    deliveries: deliveryLedger(config),
    metrics: { count: () => undefined, flush: () => undefined },
    log: logger,
    now: () => new Date(),
    random: Math.random,
  };
}

/** The poll route: the stream, its queue, and the pause of a long poll. */
export const ssfPollDeps: PollDeps = {
  streams: ssfStreamStore,
  queue: setQueueStore,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The dispatcher's fan-out to streams: every stream (read again after SSF_STREAM_CACHE_MS, 1 s), queues, the signer. */
export function ssfTransmitDeps(dispatch: DispatchDeps): TransmitDeps {
  const streams = shortLived(() => ssfStreamStore.all(), { cacheMs: envInt('SSF_STREAM_CACHE_MS', 1000) });
  return {
    push: ssfPushDeps(dispatch),
    streams: () => streams('all'),
    anyRemoved: (streamId, subjects) => ssfStreamStore.anyRemoved(streamId, subjects),
    queue: setQueueStore,
    signer: ssfSigner,
    now: () => new Date(),
  };
}

/** The detection rule routes. */
export const ruleDeps: RuleDeps = { rules: ruleStore };

/** Replaying stored events through a rule: the rule, the event log and the budget. */
export const ruleReplayDeps: RuleReplayDeps = { rules: ruleStore, log: eventLogReader, readBudget };

/** The ingest write: event, claim and counter changes in one transaction. */
export const ingest: IngestStore = ingestStore;

/** The connector routes. */
export const connectorDeps: ConnectorDeps = { connectors: connectorStore };

/** A connector's ingest: its connector, the ingest write, and the pre bindings the function runs. */
export const connectorIngestDeps = (pre?: IngestOptions['pre']): ConnectorIngestDeps => ({
  connectors: connectorStore,
  ingest: ingestStore,
  retentionDays,
  pre,
});

/** The delivery ledger, keeping each delivery for the configured retention. */
export const deliveryLedger = (config: DispatchConfig = readDispatchConfig()): DeliveryStore =>
  deliveryStore({ retentionDays: config.deliveryRetentionDays });

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
    webhook: webhookSettingsFrom(process.env),
  };
}

/** Runner settings of the functions that run post bindings (mail included), from the environment. */
export const postRunnerDeps = (): RunnerSettings => runnerDepsFromEnvironment(counterStore, process.env);

/** Dispatch over the real stores, writing to `log`; built once per cold start. */
export function dispatchDeps(
  runnerSettings: RunnerSettings,
  log: StructuredLog,
  config: DispatchConfig = readDispatchConfig(),
): DispatchDeps {
  const dispatch: DispatchDeps = {
    config,
    bindings: bindingSource(bindingStore, { cacheMs: config.bindingCacheMs }),
    binding: (id) => bindingStore.get(id),
    deliveries: deliveryLedger(config),
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
  // A Shared Signals push has no binding: its retries and replays run here.
  const push = ssfPushDeps(dispatch);
  return { ...dispatch, unbound: { [signalsModule]: (leased) => runPushDelivery(push, leased) } };
}

/**
 * Detection rules counted live by the dispatcher: the enabled rules (read again after
 * RULE_CACHE_MS, 1 s, so a change applies within a second or two), the group states, and each
 * fire recorded through the ingest every event takes, its pre bindings included.
 */
export function liveRuleDeps(dispatch: DispatchDeps, log: StructuredLog): LiveRuleDeps {
  const enabled = shortLived(async () => (await ruleStore.all()).filter((rule) => rule.enabled), {
    cacheMs: envInt('RULE_CACHE_MS', 1000),
  });
  const now = () => new Date();
  const fires = { ingest: ingestStore, retentionDays, pre: (event: Event) => dispatchPre(dispatch, event), now };
  return {
    enabledRules: () => enabled('enabled'),
    states: ruleStateStore,
    recordFire: (fire) => recordFire(fires, fire),
    log,
    now,
  };
}

// After deliveryLedger: this const is built when the module loads.
/** The Shared Signals stream routes: streams, their queues and pushes, the signer and the webhook SSRF guard. */
export const ssfStreamDeps: StreamDeps = {
  streams: ssfStreamStore,
  queue: setQueueStore,
  push: /* @__PURE__ */ ssfPushDeps(routeLedger()),
  checkPushEndpoint: async (url) => {
    await resolveDestination(new URL(url).hostname, webhookSettingsFrom(process.env).allowPrivate);
  },
  signer: ssfSigner,
  minVerificationInterval: /* @__PURE__ */ envInt('SSF_MIN_VERIFICATION_INTERVAL_S', 5),
  now: () => new Date(),
};
