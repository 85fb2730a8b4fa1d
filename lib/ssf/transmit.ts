// The fan-out of the stream dispatcher: each event a mapping row takes becomes one SET per stream
// that delivers its type and has not removed its subject, queued for the stream's receiver. A
// disabled stream drops it; a paused one holds it (queued, not answered until enabled).
import type { Event } from '../events/event.ts';
import type { SetSigner } from './keys.ts';
import { mappedActions, signalOf } from './mapping.ts';
import { eventJti, setClaims } from './set.ts';
import { type SetQueue, setExpiry } from './set-queue.ts';
import { eventsDelivered, pollMethod, type StoredStream, type SubjectIdentifier } from './stream.ts';

export interface TransmitDeps {
  /** Every stream (the store's listing, cached briefly by the caller). */
  streams(): Promise<StoredStream[]>;
  anyRemoved(streamId: string, subjects: readonly SubjectIdentifier[]): Promise<boolean>;
  queue: SetQueue;
  signer(): Promise<SetSigner>;
  now(): Date;
}

/** Queues the SETs of a batch's events, in the batch's order; a redelivered event queues the same jti again. */
export async function transmitEvents(deps: TransmitDeps, events: readonly Event[]): Promise<number> {
  const mapped = events.filter((event) => mappedActions.has(event.action));
  if (mapped.length === 0) return 0;
  const streams = (await deps.streams()).filter(
    // Push delivery is not built yet: only poll streams are served.
    (stream) => stream.status !== 'disabled' && stream.delivery.method === pollMethod,
  );
  let queued = 0;
  for (const event of mapped) {
    for (const stream of streams) {
      const signal = signalOf(event, stream.iss);
      if (!signal || !eventsDelivered(stream.events_requested).includes(signal.type)) continue;
      if (await deps.anyRemoved(stream.stream_id, signal.identifiers)) continue;
      const now = deps.now();
      const jti = eventJti(stream.stream_id, event.pk, Date.parse(event.created));
      const set = await (await deps.signer()).sign({ ...setClaims(stream, signal, jti, now) });
      await deps.queue.enqueue(stream.stream_id, { jti, set }, setExpiry(now));
      queued++;
    }
  }
  return queued;
}
