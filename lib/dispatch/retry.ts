// Retries: the runner reads due deliveries through the index (a scheduled Lambda in AWS, a timer
// locally), leases each with a conditional write, and runs it again with the binding as it is
// now. Replay makes one delivery due at once.
import { DomainError, invalid } from '../errors.ts';
import { type Delivery, unboundBinding } from './delivery.ts';
import type { DispatchDeps } from './deps.ts';
import { attempt, report } from './run.ts';

/** privacyIDEA's parameter error (905): the delivery cannot be replayed as it is. */
const replayRefused = (message: string) => invalid('', message);

export interface RetryOptions {
  /** Stop taking deliveries after this time (ms since epoch): the Lambda's own deadline. */
  until?: number;
  concurrency?: number;
}

/** Runs the deliveries that are due; resolves with how many it took. */
export async function runDueDeliveries(deps: DispatchDeps, options: RetryOptions = {}): Promise<number> {
  const due = await deps.deliveries.due(deps.now(), deps.config.retryBatch);
  let next = 0;
  let taken = 0;
  const worker = async () => {
    while (next < due.length && (options.until === undefined || Date.now() < options.until)) {
      const delivery = due[next++] as Delivery;
      if (await retryDelivery(deps, delivery)) taken++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  deps.metrics.flush();
  return taken;
}

/** Leases one due delivery and runs it; false when another runner had it first. */
export async function retryDelivery(deps: DispatchDeps, due: Delivery): Promise<boolean> {
  const now = deps.now();
  const updated = now.toISOString();
  if (due.attempt >= due.max_attempts) {
    // Its last run started but never finished (the lease ran out): no attempt is left.
    const dead: Delivery = {
      ...due,
      status: 'dead',
      next_attempt: null,
      last_error: due.last_error ?? 'the last run did not finish',
      updated,
    };
    const written = await deps.deliveries.replace(due, dead);
    if (written) report(deps, written);
    return written !== null;
  }
  const leased = await deps.deliveries.replace(due, {
    ...due,
    status: 'pending',
    attempt: due.attempt + 1,
    next_attempt: new Date(now.getTime() + deps.config.leaseMs).toISOString(),
    updated,
  });
  if (!leased) return false;
  const gone = async (reason: string) => {
    const dead = await deps.deliveries.replace(leased, {
      ...leased,
      status: 'dead',
      next_attempt: null,
      last_error: reason,
      updated: deps.now().toISOString(),
    });
    if (dead) report(deps, dead);
    return true;
  };
  if (due.binding === unboundBinding) {
    const run = deps.unbound?.[due.handlermodule];
    if (!run) return gone(`${due.handlermodule} deliveries are not run here`);
    await run(leased);
    return true;
  }
  const binding = await deps.binding(due.binding);
  if (!binding) return gone(`binding ${due.binding} no longer exists`);
  if (!binding.active) return gone(`binding ${due.binding} is disabled`);
  if (binding.position !== 'post' || binding.action !== due.action || binding.handlermodule !== due.handlermodule) {
    return gone(`binding ${due.binding} now runs ${binding.position} ${binding.handlermodule} ${binding.action}`);
  }
  const event = await deps.events.get(due.event);
  if (!event) return gone(`event ${due.event} no longer exists (expired)`);
  await attempt(deps, leased, binding, event);
  return true;
}

/** Makes a failed or dead post delivery due now; a dead one gets one more attempt. */
export async function replayDelivery(deps: DispatchDeps, id: string): Promise<Delivery> {
  const found = await deps.deliveries.get(id);
  if (!found) throw new DomainError('notFound', 'The requested delivery could not be found.');
  if (found.position === 'pre') {
    throw replayRefused(`delivery ${id} ran inside the ingest request (pre); it cannot be replayed`);
  }
  if (found.status === 'succeeded') throw replayRefused(`delivery ${id} has succeeded; there is nothing to replay`);
  if (found.status === 'pending') throw replayRefused(`delivery ${id} is running or due already`);
  // A held delivery is sent in its turn (its stream's order); a replay would jump the queue.
  if (found.status === 'held') throw replayRefused(`delivery ${id} is held and is sent in its turn`);
  const now = deps.now().toISOString();
  const replayed = await deps.deliveries.replace(found, {
    ...found,
    status: 'pending',
    max_attempts: Math.max(found.max_attempts, found.attempt + 1),
    next_attempt: now,
    updated: now,
  });
  if (!replayed) throw replayRefused(`delivery ${id} changed while it was being replayed; try again`);
  deps.log.info('delivery replayed', { delivery: id, attempt: found.attempt });
  return replayed;
}
