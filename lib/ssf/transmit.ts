// The fan-out of the stream dispatcher: each event a mapping row takes becomes one SET per stream
// that delivers its type and has not removed its subject, queued (poll) or pushed (push). A
// disabled stream drops it; a paused poll stream holds it (queued, not answered until enabled), a
// paused push stream holds it in its held queue (lib/ssf/hold.ts) until enabled.
import type { Event } from '../events/event.ts';
import { type DeliverDeps, deliverSet } from './deliver.ts';
import type { SetSigner } from './keys.ts';
import { mappedActions, signalOf } from './mapping.ts';
import { eventJti, setClaims } from './set.ts';
import { eventsDelivered, type StoredStream, type SubjectIdentifier } from './stream.ts';

export interface TransmitDeps extends DeliverDeps {
  /** Every stream (the store's listing, cached briefly by the caller). */
  streams(): Promise<StoredStream[]>;
  anyRemoved(streamId: string, subjects: readonly SubjectIdentifier[]): Promise<boolean>;
  signer(): Promise<SetSigner>;
}

/** Queues the SETs of a batch's events, in the batch's order; a redelivered event queues the same jti again. */
export async function transmitEvents(deps: TransmitDeps, events: readonly Event[]): Promise<number> {
  const mapped = events.filter((event) => mappedActions.has(event.action));
  if (mapped.length === 0) return 0;
  const streams = (await deps.streams()).filter((stream) => stream.status !== 'disabled');
  let queued = 0;
  for (const event of mapped) {
    for (const stream of streams) {
      const signal = signalOf(event, stream.iss);
      if (!signal || !eventsDelivered(stream.events_requested).includes(signal.type)) continue;
      if (await deps.anyRemoved(stream.stream_id, signal.identifiers)) continue;
      const now = deps.now();
      const jti = eventJti(stream.stream_id, event.pk, Date.parse(event.created));
      const set = await (await deps.signer()).sign({ ...setClaims(stream, signal, jti, now) });
      await deliverSet(deps, stream, { jti, set }, event.pk);
      queued++;
    }
  }
  return queued;
}
