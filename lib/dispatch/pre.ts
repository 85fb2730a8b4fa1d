// pre: inside the ingest request, before the event is stored, the active pre bindings run in
// ordering order and may change the event. A failing handler is skipped and recorded; with
// abort_on_error the request fails naming the binding, and nothing at all is written. All of
// them together get one time budget: a binding still running when it is spent (or not started
// by then) is skipped and recorded as failed, like a failing one.

import type { Binding } from '../bindings/binding.ts';
import { conditionsHold } from '../bindings/conditions.ts';
import { invalid } from '../errors.ts';
import type { Event, JsonObject } from '../events/event.ts';
import { maskSecrets } from '../events/secrets.ts';
import { causeDepth } from './cause.ts';
import { type Delivery, deliveryId } from './delivery.ts';
import type { DispatchDeps } from './deps.ts';
import { type CounterChange, type PendingCounters, pendingCounters } from './pre-counters.ts';
import { type ActionOutcome, lookupsFor, messageOf, newDelivery, report, runAction } from './run.ts';

export interface PreResult {
  /** The event to store (changed by RequestMangler bindings). */
  event: Event;
  /** What Counter bindings changed: written in the event's own transaction, or not at all. */
  counters: CounterChange[];
  /**
   * Writes the ledger of the runs and the events they recorded; call once the event is stored.
   * Never throws (the event is stored by then): what cannot be written in time is logged.
   */
  afterStore(): Promise<void>;
}

export const abortMessage = (
  binding: { id: number; name: string; handlermodule: string; action: string },
  error: string,
) =>
  `Pre handler '${binding.name}' (binding ${binding.id}, ${binding.handlermodule} ${binding.action}) failed: ${error}`;

/** One binding's run: null when its conditions do not hold; `records` are the events it recorded. */
interface BindingRun {
  outcome: ActionOutcome | null;
  records: Event[];
  keep(): void;
}

/** What every pre run of one event shares: the deadline and budget, the pending counters, the events recorded. */
interface PrePass {
  readonly deadline: number;
  readonly budget: number;
  readonly counters: PendingCounters;
  readonly recorded: Event[];
}

async function runBinding(
  deps: DispatchDeps,
  binding: Binding,
  event: Event,
  { id, counters, deadline }: Pick<PrePass, 'counters' | 'deadline'> & { id: string },
): Promise<BindingRun> {
  const records: Event[] = [];
  const collect = async (recorded: Event) => {
    records.push(recorded);
  };
  const view = counters.run();
  const lookups = { ...lookupsFor(deps, collect), counterValue: view.value };
  if (!(await conditionsHold(binding.conditions, event, lookups))) return { outcome: null, records, keep: () => {} };
  const outcome = await runAction(deps, binding, event, {
    deliveryId: id,
    record: collect,
    counters: view.actions,
    deadline,
  });
  return { outcome, records, keep: view.keep };
}

/** The run, or null when the deadline came first (the run is left to end on its own, its results unused). */
async function beforeDeadline<T>(deadline: number, run: () => Promise<T>): Promise<T | null> {
  const left = deadline - Date.now();
  if (left <= 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), left);
  });
  const running = run();
  running.catch(() => undefined);
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A binding's outcome within the pass's budget, or null when its conditions do not hold; the
 * events its run recorded go to the pass's.
 */
async function outcomeOf(
  deps: DispatchDeps,
  binding: Binding,
  event: Event,
  pass: PrePass & { id: string },
): Promise<ActionOutcome | null> {
  try {
    const run = await beforeDeadline(pass.deadline, () => runBinding(deps, binding, event, pass));
    if (run !== null) pass.recorded.push(...run.records);
    if (run !== null && run.outcome === null) return null;
    const outcome = run?.outcome ?? {
      ok: false,
      error: `skipped: the pre bindings' time budget of ${pass.budget} ms was spent`,
      permanent: true,
      notes: [],
    };
    if (outcome.ok) run?.keep();
    return outcome;
  } catch (error) {
    // A condition that could not be evaluated (a lookup failed) fails this binding only.
    return { ok: false, error: messageOf(error), permanent: false, notes: [] };
  }
}

export async function dispatchPre(deps: DispatchDeps, incoming: Event): Promise<PreResult> {
  const nothing = { event: incoming, counters: [], afterStore: async () => {} };
  if (causeDepth(incoming) >= deps.config.maxDepth) return nothing;
  const bindings = await deps.bindings.forAction('pre', incoming.action);
  if (bindings.length === 0) return nothing;
  const budget = deps.config.preBudgetMs;
  const deadline = Date.now() + budget;
  const recorded: Event[] = [];
  const deliveries: Delivery[] = [];
  const counters = pendingCounters((name) => deps.counters.value(name));
  const pass: PrePass = { deadline, budget, counters, recorded };
  let event = incoming;
  for (const binding of bindings) {
    if (!binding.active || binding.position !== 'pre') continue;
    const id = deliveryId(incoming.pk, binding.id, binding.action);
    const outcome = await outcomeOf(deps, binding, event, { ...pass, id });
    if (outcome === null) continue;
    const now = deps.now().toISOString();
    const delivery: Delivery = {
      ...newDelivery(deps, binding, incoming, id),
      status: outcome.ok ? 'succeeded' : 'failed',
      next_attempt: null,
      last_error: outcome.ok ? null : outcome.error,
      notes: outcome.notes,
      updated: now,
    };
    report(deps, delivery);
    if (!outcome.ok && binding.abort_on_error) {
      deps.metrics.flush();
      throw invalid('', abortMessage(binding, outcome.error));
    }
    deliveries.push(delivery);
    if (outcome.ok && outcome.event) {
      // The identity of the event stays; a field set by a mangler is masked like any input.
      event = {
        ...outcome.event,
        pk: incoming.pk,
        created: incoming.created,
        expires: incoming.expires,
        context: maskSecrets(outcome.event.context) as JsonObject,
      };
    }
  }
  return {
    event,
    counters: counters.changes(),
    afterStore: () => writeLedger(deps, incoming, { deliveries, recorded }, budget),
  };
}

/** Writes the ledger of the runs and the events they recorded, bounded like the runs; never throws. */
async function writeLedger(
  deps: DispatchDeps,
  incoming: Event,
  { deliveries, recorded }: { deliveries: readonly Delivery[]; recorded: readonly Event[] },
  budget: number,
): Promise<void> {
  // Bounded like the runs: the answer must leave before the function's timeout.
  const writes = Promise.allSettled([
    ...deliveries.map((delivery) => deps.deliveries.claim(delivery)),
    ...recorded.map((record) => deps.events.record(record)),
  ]);
  const settled = await beforeDeadline(Date.now() + budget, () => writes);
  const failed = settled === null ? null : settled.filter((result) => result.status === 'rejected');
  if (failed === null || failed.length > 0) {
    deps.log.error('pre ledger not written', {
      event: incoming.pk,
      error:
        failed === null ? `not written within ${budget} ms` : messageOf((failed[0] as PromiseRejectedResult).reason),
      unwritten: failed === null ? deliveries.length + recorded.length : failed.length,
    });
  }
  deps.metrics.flush();
}
