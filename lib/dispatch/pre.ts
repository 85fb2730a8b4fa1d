// pre: inside the ingest request, before the event is stored, the active pre bindings run in
// ordering order and may change the event. A failing handler is skipped and recorded; with
// abort_on_error the request fails naming the binding, and nothing at all is written.
import { conditionsHold } from '../bindings/conditions.ts';
import { DomainError } from '../errors.ts';
import type { Event, JsonObject } from '../events/event.ts';
import { maskSecrets } from '../events/secrets.ts';
import { causeDepth } from './cause.ts';
import { type Delivery, deliveryId } from './delivery.ts';
import type { DispatchDeps } from './deps.ts';
import { lookupsFor, newDelivery, report, runAction } from './run.ts';

export interface PreResult {
  /** The event to store (changed by RequestMangler bindings). */
  event: Event;
  /** Writes the ledger of the runs and the events they recorded; call once the event is stored. */
  afterStore(): Promise<void>;
}

export const abortMessage = (
  binding: { id: number; name: string; handlermodule: string; action: string },
  error: string,
) =>
  `Pre handler '${binding.name}' (binding ${binding.id}, ${binding.handlermodule} ${binding.action}) failed: ${error}`;

export async function dispatchPre(deps: DispatchDeps, incoming: Event): Promise<PreResult> {
  const nothing = { event: incoming, afterStore: async () => {} };
  if (causeDepth(incoming) >= deps.config.maxDepth) return nothing;
  const bindings = await deps.bindings.forAction('pre', incoming.action);
  if (bindings.length === 0) return nothing;
  const recorded: Event[] = [];
  const deliveries: Delivery[] = [];
  // Nothing is written before the event is: recorded events wait for afterStore.
  const collect = async (event: Event) => {
    recorded.push(event);
  };
  const lookups = lookupsFor(deps, collect);
  let event = incoming;
  for (const binding of bindings) {
    if (!binding.active || binding.position !== 'pre') continue;
    if (!(await conditionsHold(binding.conditions, event, lookups))) continue;
    const id = deliveryId(incoming.pk, binding.id, binding.action);
    const outcome = await runAction(deps, binding, event, id, collect);
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
      const message = abortMessage(binding, outcome.error);
      throw new DomainError('input.invalid', message, [{ field: '', message }]);
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
    async afterStore() {
      for (const delivery of deliveries) await deps.deliveries.claim(delivery);
      for (const record of recorded) await deps.events.record(record);
      deps.metrics.flush();
    },
  };
}
