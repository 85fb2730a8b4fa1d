// One connector request and what it maps to: events by position, records skipped, or a refusal.
import type { EventInput } from '../events/event.ts';

/** One ingest request as the route received it; `body` is the raw text (≤ 1 MiB, checked by the caller). */
export interface IngestRequest {
  contentType: string | undefined;
  headers: Record<string, string | undefined>;
  body: string;
}

/** `position` is the record's 0-based place in the request; `nativeId` the source's own id of it. */
export interface MappedEvent {
  position: number;
  nativeId: string;
  input: EventInput;
}

/** A well-formed record that cannot be mapped: the others are still stored. */
export interface SkippedRecord {
  position: number;
  nativeId?: string;
  reason: string;
}

export interface MappedRequest {
  events: MappedEvent[];
  skipped: SkippedRecord[];
}

/** The whole request is refused; the message names the problem (`line 3: not JSON`). */
export class MalformedRequest extends Error {
  override name = 'MalformedRequest';
}

export const maxEventsPerRequest = 1000;

/** What one record maps to: an event, or the reason it is skipped. */
export type RecordOutcome = { nativeId: string; input: EventInput } | { nativeId?: string; skipped: string };

/** Maps every record in order; more than `maxEventsPerRequest` refuses the request before any is mapped. */
export function mapRecords<T>(
  records: readonly T[],
  mapOne: (record: T, position: number) => RecordOutcome,
): MappedRequest {
  if (records.length > maxEventsPerRequest) {
    throw new MalformedRequest(`${records.length} events: at most ${maxEventsPerRequest} per request`);
  }
  const mapped: MappedRequest = { events: [], skipped: [] };
  records.forEach((record, position) => {
    const outcome = mapOne(record, position);
    if ('skipped' in outcome) {
      const { nativeId, skipped: reason } = outcome;
      mapped.skipped.push(nativeId === undefined ? { position, reason } : { position, nativeId, reason });
    } else {
      mapped.events.push({ position, nativeId: outcome.nativeId, input: outcome.input });
    }
  });
  return mapped;
}
