// Releasing a push stream's held SETs in the order they were made (jti order), each through the
// delivery ledger. Only the queue's head is ever in the ledger's hands: the next SET is sent when
// the head has ended (delivered, or dead: a 400 or out of attempts), so a 5xx during the release
// stops it there; the rest stay held behind the head and the head's retry (the ledger's schedule)
// releases them when it ends. A release does a bounded number of SETs; then it makes the head due
// and the ledger's retry runner goes on from there (lib/ssf/push-retry.ts). Disabled or deleted
// streams drop their held SETs the same way, head first: each delivery ends dead with the reason.
import { type Delivery, deliveryId, unboundBinding } from '../dispatch/delivery.ts';
import type { HeldSet } from './hold.ts';
import { leaseHeld, type PushDeps, pushAction, runLeased } from './push.ts';
import { pushMethod, type StoredStream } from './stream.ts';

/** How much one release may do before it hands the rest to the ledger's retry runner. */
export interface ReleaseBudget {
  /** SETs sent or dropped. */
  steps: number;
  ms: number;
}

/** The status request: hand the head to the ledger at once (a request never pushes held SETs itself). */
export const requestBudget: ReleaseBudget = { steps: 0, ms: 0 };
/** One ledger run: up to 500 SETs or 60 s of the retry function's 300 s. */
export const ledgerBudget: ReleaseBudget = { steps: 500, ms: 60_000 };

/** Why a held SET is dropped rather than sent; null when it is not. */
function dropReason(stream: StoredStream | null, head: HeldSet, now: Date): string | null {
  if (!stream) return 'the stream was deleted while the SET was held';
  if (stream.status === 'disabled' || (stream.drop_held_before !== undefined && head.jti < stream.drop_held_before)) {
    return 'the stream was disabled while the SET was held';
  }
  if (stream.delivery.method !== pushMethod) return 'the stream delivers by poll now';
  if (head.expires.getTime() <= now.getTime()) return 'the SET expired while it was held';
  return null;
}

/** Whether a held SET of this stream is dropped when its turn comes (a ledger run must not hold it again). */
export const dropsHeld = (deps: PushDeps, stream: StoredStream | null, head: HeldSet) =>
  dropReason(stream, head, deps.dispatch.now()) !== null;

type Step = 'next' | 'wait';

interface Head {
  streamId: string;
  /** The stream as it is now; null when deleted. */
  stream: StoredStream | null;
  head: HeldSet;
  /** The budget is spent: make the head due for the ledger's retry runner instead of sending it. */
  handOff: boolean;
}

async function settleHead(deps: PushDeps, { streamId, stream, head, handOff }: Head): Promise<Step> {
  const { deliveries } = deps.dispatch;
  const delivery = await deliveries.get(deliveryId(head.uuid, unboundBinding, pushAction(streamId)));
  if (delivery?.status === 'pending' || delivery?.status === 'failed') return 'wait'; // its end releases the next
  if (delivery?.status !== 'held') return 'next'; // ended (or gone from the ledger): out of the queue
  const now = deps.dispatch.now();
  const drop = dropReason(stream, head, now);
  if (!drop && stream?.status === 'paused') return 'wait';
  if (handOff) {
    const due: Delivery = {
      ...delivery,
      status: 'pending',
      next_attempt: now.toISOString(),
      updated: now.toISOString(),
    };
    await deliveries.replace(delivery, due);
    return 'wait';
  }
  if (drop) {
    const dead: Delivery = {
      ...delivery,
      status: 'dead',
      next_attempt: null,
      last_error: drop,
      updated: now.toISOString(),
    };
    return (await deliveries.replace(delivery, dead)) ? 'next' : 'wait';
  }
  const leased = await leaseHeld(deps, delivery);
  if (!leased) return 'wait';
  const written = await runLeased(deps, stream, leased, await deps.pushed.get(streamId, head.uuid));
  return written.status === 'failed' ? 'wait' : 'next';
}

/**
 * Works off a stream's held queue, head first, within `budget`; ends the stream's `holding` when
 * the queue is empty and no SET was held since the stream was read (else it looks again).
 */
export async function releaseHeld(deps: PushDeps, streamId: string, budget: ReleaseBudget): Promise<void> {
  const until = Date.now() + budget.ms;
  for (let step = 0; ; step++) {
    const stream = await deps.streams.get(streamId);
    const [head] = await deps.held.oldest(streamId, 1);
    if (!head) {
      if (!stream?.holding || (await deps.held.endHolding(streamId, stream.holds))) return;
      continue;
    }
    const handOff = step >= budget.steps || Date.now() >= until;
    const next = await settleHead(deps, { streamId, stream, head, handOff });
    if (next === 'wait') return;
    await deps.held.remove(streamId, head.jti);
  }
}
