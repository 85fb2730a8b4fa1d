// One run of one binding's action, and what the delivery becomes after it.
import type { Binding } from '../bindings/binding.ts';
import type { ConditionLookups } from '../bindings/conditions.ts';
import { DomainError } from '../errors.ts';
import type { Event } from '../events/event.ts';
import { PermanentFailure } from '../handlers/failure.ts';
import type { RunContext } from '../handlers/runners.ts';
import { matchEvent } from '../matchers/match.ts';
import { causedEvent, isHubEvent } from './cause.ts';
import { retryDelayMs } from './config.ts';
import type { Delivery, RunOutcome } from './delivery.ts';
import type { DispatchDeps } from './deps.ts';

const maxErrorLength = 500;

export const messageOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, maxErrorLength) || 'failed';

/** Condition lookups for one dispatch; `record` stores (or collects) the policy_execution events. */
export function lookupsFor(deps: DispatchDeps, record: (event: Event) => Promise<void>): ConditionLookups {
  return {
    async policyPasses(uuid, event) {
      const policy = await deps.policies.get(uuid);
      if (!policy) return false;
      const { passing } = matchEvent(policy, event);
      // The hub's own events never log policy executions: logging one must not cause another.
      if (policy.execution_logging && !isHubEvent(event)) {
        const context = { policy_uuid: policy.pk, policy_name: policy.name, result: passing, event_uuid: event.pk };
        await record(causedEvent({ action: 'policy_execution', user: event.user, context }, event, null, deps.now()));
      }
      return passing;
    },
    counterValue: (name) => deps.counters.value(name),
  };
}

export type ActionOutcome = RunOutcome & { event?: Event };

/** One run of an action: its delivery id, where the events it records go, and (pre) its counters and deadline. */
export type ActionRun = Pick<RunContext, 'counters' | 'deadline'> & {
  deliveryId: string;
  record: (event: Event) => Promise<void>;
};

/** Runs the binding's action once; a failure is an outcome, never an exception. */
export async function runAction(
  deps: DispatchDeps,
  binding: Binding,
  event: Event,
  { deliveryId, record, ...within }: ActionRun,
): Promise<ActionOutcome> {
  const runner = deps.runners[binding.handlermodule]?.[binding.action];
  if (!runner) {
    return { ok: false, error: `${binding.handlermodule} has no action ${binding.action}`, permanent: true, notes: [] };
  }
  try {
    const result = await runner(binding, event, {
      deliveryId,
      now: deps.now(),
      record: (input) => record(causedEvent(input, event, deliveryId, deps.now())),
      ...within,
    });
    return { ok: true, notes: result.notes, event: result.event };
  } catch (error) {
    // A configuration problem (bad option, refused destination) is not cured by waiting.
    const permanent = error instanceof PermanentFailure || error instanceof DomainError;
    return { ok: false, error: messageOf(error), permanent, notes: [] };
  }
}

/** The delivery after a post run: succeeded, failed with its next attempt, or dead. */
export function settled(
  deps: Pick<DispatchDeps, 'config' | 'now' | 'random'>,
  delivery: Delivery,
  outcome: RunOutcome,
): Delivery {
  const now = deps.now();
  const updated = now.toISOString();
  if (outcome.ok) {
    return { ...delivery, status: 'succeeded', last_error: null, next_attempt: null, notes: outcome.notes, updated };
  }
  const base = { ...delivery, last_error: outcome.error, notes: outcome.notes, updated };
  if (outcome.permanent || delivery.attempt >= delivery.max_attempts) {
    return { ...base, status: 'dead', next_attempt: null };
  }
  const delay = retryDelayMs(deps.config, delivery.attempt, deps.random);
  return { ...base, status: 'failed', next_attempt: new Date(now.getTime() + delay).toISOString() };
}

/** Counts and logs how a run ended. */
export function report(deps: Pick<DispatchDeps, 'metrics' | 'log'>, delivery: Delivery) {
  const module = delivery.handlermodule;
  if (delivery.status === 'succeeded') {
    deps.metrics.count(module, 'succeeded');
    return;
  }
  const dead = delivery.status === 'dead';
  deps.metrics.count(module, 'failed');
  if (dead) deps.metrics.count(module, 'dead');
  deps.log[dead ? 'error' : 'warn'](dead ? 'delivery dead' : 'delivery failed', {
    delivery: delivery.id,
    handlermodule: module,
    attempt: delivery.attempt,
    max_attempts: delivery.max_attempts,
    next_attempt: delivery.next_attempt,
    error: delivery.last_error,
  });
}

/** Runs a claimed (leased) post delivery once and writes what it became. */
export async function attempt(deps: DispatchDeps, leased: Delivery, binding: Binding, event: Event): Promise<Delivery> {
  const outcome = await runAction(deps, binding, event, { deliveryId: leased.id, record: deps.events.record });
  return recordOutcome(deps, leased, outcome);
}

/** Writes what a leased delivery became after a run (succeeded, failed with its next attempt, dead) and reports it. */
export async function recordOutcome(
  deps: Pick<DispatchDeps, 'config' | 'deliveries' | 'metrics' | 'log' | 'now' | 'random'>,
  leased: Delivery,
  outcome: RunOutcome,
): Promise<Delivery> {
  const next = settled(deps, leased, outcome);
  // null: the lease ran out and another runner took the delivery over; its write wins.
  const written = await deps.deliveries.replace(leased, next);
  report(deps, next);
  return written ?? next;
}

/** A new delivery for a run about to start (pending, leased until the run must have ended). */
export function newDelivery(deps: DispatchDeps, binding: Binding, event: Event, id: string): Delivery {
  const now = deps.now();
  return {
    id,
    event: event.pk,
    binding: binding.id,
    binding_name: binding.name,
    handlermodule: binding.handlermodule,
    action: binding.action,
    position: binding.position,
    status: 'pending',
    attempt: 1,
    max_attempts: binding.position === 'pre' ? 1 : deps.config.maxAttempts,
    last_error: null,
    next_attempt: new Date(now.getTime() + deps.config.leaseMs).toISOString(),
    notes: [],
    created: now.toISOString(),
    updated: now.toISOString(),
    rev: 0,
  };
}
