// A SET on its way to a stream's receiver: queued for a poll stream, pushed through the delivery
// ledger for a push stream.
import { type PushDeps, pushSet } from './push.ts';
import { type QueuedSet, type SetQueue, setExpiry } from './set-queue.ts';
import { pollMethod, type StoredStream } from './stream.ts';

export interface DeliverDeps {
  queue: SetQueue;
  push: PushDeps;
  now(): Date;
}

/** `uuid`: what the ledger names a push by (the hub event's pk; a verification's jti). */
export async function deliverSet(
  deps: DeliverDeps,
  stream: StoredStream,
  queued: QueuedSet,
  uuid: string,
): Promise<void> {
  if (stream.delivery.method === pollMethod) await deps.queue.enqueue(stream.stream_id, queued, setExpiry(deps.now()));
  else await pushSet(deps.push, stream, queued, uuid);
}
