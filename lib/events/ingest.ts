// Ingest: build the event, refuse a past expiry, store it once (Idempotency-Key aware).
import { createHash } from 'node:crypto';
import { DomainError, invalid } from '../errors.ts';
import type { EventStore } from '../store/events.ts';
import { type Event, type EventInput, newEvent } from './event.ts';

export interface IngestOptions {
  now: Date;
  retentionDays: number;
  /** The admin who sent the event and the Idempotency-Key header, when given. */
  idempotency?: { admin: string; key: string; ttlSeconds: number };
}

export type IngestResult = { status: number; body: unknown };

export async function ingestEvent(store: EventStore, input: EventInput, options: IngestOptions): Promise<IngestResult> {
  const event = newEvent(input, options.now, options.retentionDays);
  if (Date.parse(event.expires) <= options.now.getTime()) throw invalid('expires', 'Expiry must be in the future.');
  if (!options.idempotency) {
    await store.put(event);
    return { status: 201, body: event };
  }
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  const reply = { requestHash, status: 201, body: event satisfies Event };
  const earlier = await store.put(event, { ...options.idempotency, reply });
  if (!earlier) return reply;
  if (earlier.requestHash !== requestHash) {
    throw new DomainError('input.conflict', 'This Idempotency-Key was used with a different request body.');
  }
  return { status: earlier.status, body: earlier.body };
}
