// Ingest: build the event, refuse a past expiry, store it once (Idempotency-Key aware).
import { createHash } from 'node:crypto';
import { DomainError, invalid } from '../errors.ts';
import type { EventStore, IdempotentReply } from '../store/events.ts';
import { type Event, type EventInput, maskedEvent, newEvent } from './event.ts';

export interface IngestOptions {
  now: Date;
  retentionDays: number;
  /** The admin who sent the event and the Idempotency-Key header, when given. */
  idempotency?: { admin: string; key: string; ttlSeconds: number };
  /** The pre bindings: may change the event or refuse it; `afterStore` writes what they recorded. */
  pre?: (event: Event) => Promise<{ event: Event; afterStore(): Promise<void> }>;
}

export type IngestResult = { status: number; body: unknown };

export async function ingestEvent(store: EventStore, input: EventInput, options: IngestOptions): Promise<IngestResult> {
  const built = newEvent(input, options.now, options.retentionDays);
  if (Date.parse(built.expires) <= options.now.getTime()) throw invalid('expires', 'Expiry must be in the future.');
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  // A retry answers the first reply before pre bindings run again (their effects happened once).
  if (options.idempotency) {
    const { admin, key } = options.idempotency;
    const earlier = await store.earlierReply(admin, key);
    if (earlier) return replay(earlier, requestHash);
  }
  const pre = options.pre ? await options.pre(built) : { event: built, afterStore: async () => {} };
  // A RequestMangler may have set any field: what is stored is masked like the input.
  const event = pre.event === built ? built : maskedEvent(pre.event);
  if (!options.idempotency) {
    await store.put(event);
    await pre.afterStore();
    return { status: 201, body: event };
  }
  const reply = { requestHash, status: 201, body: event satisfies Event };
  const earlier = await store.put(event, { ...options.idempotency, reply });
  if (!earlier) {
    await pre.afterStore();
    return reply;
  }
  return replay(earlier, requestHash);
}

function replay(earlier: IdempotentReply, requestHash: string): IngestResult {
  if (earlier.requestHash !== requestHash) {
    throw new DomainError('input.conflict', 'This Idempotency-Key was used with a different request body.');
  }
  return { status: earlier.status, body: earlier.body };
}
