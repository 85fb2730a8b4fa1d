// A push run by the ledger's retry runner (a retry, a replay, or a held SET handed over by a
// release): the stream as it is now, the SET as it was made. A paused stream holds it again (the
// attempt it was leased for is given back); after a held SET's turn ends, the release goes on.
import type { Delivery } from '../dispatch/delivery.ts';
import { heldOf, holdSet } from './hold.ts';
import { type PushDeps, runLeased, streamOfAction } from './push.ts';
import { dropsHeld, ledgerBudget, releaseHeld } from './release.ts';
import type { StoredStream } from './stream.ts';

/** Holds a leased push of a paused stream again; false when the stream stopped holding meanwhile. */
async function holdAgain(deps: PushDeps, stream: StoredStream, leased: Delivery, set: string): Promise<boolean> {
  const held = heldOf(set, leased.event);
  if (dropsHeld(deps, stream, held)) return false;
  if (!(await holdSet(deps.held, stream.stream_id, held))) return false;
  const now = deps.dispatch.now().toISOString();
  await deps.dispatch.deliveries.replace(leased, {
    ...leased,
    status: 'held',
    attempt: leased.attempt - 1,
    next_attempt: null,
    updated: now,
  });
  return true;
}

/** The ledger's runner of SharedSignals deliveries (lib/dispatch/retry.ts): runs the leased push and writes its end. */
export async function runPushDelivery(deps: PushDeps, leased: Delivery): Promise<void> {
  const streamId = streamOfAction(leased.action);
  const stream = await deps.streams.get(streamId);
  const set = await deps.pushed.get(streamId, leased.event);
  if (stream?.status === 'paused' && set && (await holdAgain(deps, stream, leased, set))) return;
  const written = await runLeased(deps, stream, leased, set);
  // A held SET's turn has ended (delivered or dead): the next one is released, or dropped.
  const releasing = !stream || stream.holding || stream.status === 'disabled';
  if (releasing && (written.status === 'succeeded' || written.status === 'dead')) {
    await releaseHeld(deps, streamId, ledgerBudget);
  }
}
