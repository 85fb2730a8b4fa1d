// post: an event stored (seen on the table's stream) runs its active post bindings in ordering
// order. Each run is claimed in the ledger first, so a redelivered record runs nothing twice.
import { conditionsHold } from '../bindings/conditions.ts';
import type { Event } from '../events/event.ts';
import { causeDepth } from './cause.ts';
import { deliveryId } from './delivery.ts';
import type { DispatchDeps } from './deps.ts';
import { attempt, lookupsFor, newDelivery } from './run.ts';

export interface PostResult {
  /** Deliveries started by this call (none for a redelivered record). */
  started: string[];
}

export async function dispatchPost(deps: DispatchDeps, event: Event): Promise<PostResult> {
  const started: string[] = [];
  const depth = causeDepth(event);
  if (depth >= deps.config.maxDepth) {
    deps.log.info('loop guard: event not dispatched', { event_uuid: event.pk, depth });
    return { started };
  }
  const bindings = await deps.bindings.forAction('post', event.action);
  if (bindings.length === 0) return { started };
  // A redelivered record: what already ran (or was claimed) for this event is skipped unevaluated.
  const existing = new Set((await deps.deliveries.ofEvent(event.pk)).map((delivery) => delivery.id));
  const lookups = lookupsFor(deps, deps.events.record);
  for (const binding of bindings) {
    const id = deliveryId(event.pk, binding.id, binding.action);
    if (existing.has(id) || !binding.active || binding.position !== 'post') continue;
    if (!(await conditionsHold(binding.conditions, event, lookups))) continue;
    const claimed = newDelivery(deps, binding, event, id);
    if (!(await deps.deliveries.claim(claimed))) continue;
    started.push(id);
    await attempt(deps, claimed, binding, event);
  }
  return { started };
}
