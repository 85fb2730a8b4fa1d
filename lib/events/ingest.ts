// Ingest: build the event, refuse a past expiry, store it once (Idempotency-Key aware). The
// event, its claim and the counter changes of its pre bindings are one write: all or nothing.
// Nothing that can fail comes after it, so a 5xx always means nothing was stored.
import { createHash } from 'node:crypto';
import type { CounterChange } from '../dispatch/pre-counters.ts';
import { DomainError, invalid } from '../errors.ts';
import { type Event, type EventInput, maskedEvent, newEvent } from './event.ts';
import type { IdempotencyClaim, IdempotentReply } from './idempotency.ts';

/**
 * Who ingested an event, from where: the signed-in admin, a connector attesting its platform's
 * record by native id, or a detection rule that fired (lib/rules/fires.ts). Set by the server as
 * `context.provenance`, over anything a client or a pre binding put there.
 */
export interface Provenance {
  ingested_by: { admin: string } | { connector: string; kind: string } | { rule: string };
  native_id: string | null;
  attested: boolean;
}

export interface IngestOptions {
  now: Date;
  retentionDays: number;
  provenance: Provenance;
  /** The admin who sent the event and the Idempotency-Key header, when given. */
  idempotency?: {
    admin: string;
    key: string;
    ttlSeconds: number;
    /** What the claim keeps to answer a repeat: the event (the default), or only its id (a connector's native id). */
    keeps?: 'event' | 'id';
  };
  /**
   * The pre bindings: may change the event or refuse it; `counters` is what they change, written
   * with the event; `afterStore` writes what they recorded and never throws.
   */
  pre?: (event: Event) => Promise<{ event: Event; counters: CounterChange[]; afterStore(): Promise<void> }>;
}

/** What ingest needs from the store. */
export interface IngestStore {
  /** The reply stored under an unexpired Idempotency-Key, or null. */
  earlierReply(admin: string, key: string): Promise<IdempotentReply | null>;
  /**
   * Writes the event, the claim (when given) and the counter changes in one transaction. When
   * the key was already claimed, nothing is written and the earlier reply is returned.
   */
  put(event: Event, claim: IdempotencyClaim | undefined, counters: CounterChange[]): Promise<IdempotentReply | null>;
}

/** `replayed`: the answer of an earlier request with the same key; nothing was stored now. */
export type IngestResult = { status: number; body: unknown; replayed?: true };

export async function ingestEvent(
  store: IngestStore,
  input: EventInput,
  options: IngestOptions,
): Promise<IngestResult> {
  const built = newEvent(input, options.now, options.retentionDays);
  if (Date.parse(built.expires) <= options.now.getTime()) throw invalid('expires', 'Expiry must be in the future.');
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
  // A retry answers the first reply before pre bindings run again (their effects happened once).
  if (options.idempotency) {
    const { admin, key } = options.idempotency;
    const earlier = await store.earlierReply(admin, key);
    if (earlier) return replay(earlier, requestHash);
  }
  const pre = options.pre ? await options.pre(built) : { event: built, counters: [], afterStore: async () => {} };
  // A RequestMangler may have set any field: what is stored is masked like the input.
  const changed = pre.event === built ? built : maskedEvent(pre.event);
  const event = { ...changed, context: { ...changed.context, provenance: { ...options.provenance } } };
  if (!options.idempotency) {
    await store.put(event, undefined, pre.counters);
    await pre.afterStore();
    return { status: 201, body: event };
  }
  const reply = { requestHash, status: 201, body: event satisfies Event };
  // A claim that keeps only the id costs one write unit instead of the event's size again.
  const kept = options.idempotency.keeps === 'id' ? { ...reply, body: { pk: event.pk } } : reply;
  const { keeps: _keeps, ...claim } = options.idempotency;
  const earlier = await store.put(event, { ...claim, reply: kept }, pre.counters);
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
  return { status: earlier.status, body: earlier.body, replayed: true };
}
