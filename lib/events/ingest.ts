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
  /** The unexpired replies stored under these keys of one admin, by key. */
  earlierReplies(admin: string, keys: readonly string[]): Promise<Map<string, IdempotentReply>>;
  /**
   * Writes events, each with its claim (no counter changes), a few to a transaction; for each,
   * null when written, or the earlier reply when its key was claimed first (nothing written of it).
   */
  putClaimed(writes: readonly { event: Event; claim: IdempotencyClaim }[]): Promise<(IdempotentReply | null)[]>;
}

/** `replayed`: the answer of an earlier request with the same key; nothing was stored now. */
export type IngestResult = { status: number; body: unknown; replayed?: true };

const hashOf = (input: EventInput) => createHash('sha256').update(JSON.stringify(input)).digest('base64url');

/** An event built, its pre bindings run and its provenance set: what is left is to store it. */
interface PreparedEvent {
  readonly event: Event;
  readonly counters: CounterChange[];
  afterStore(): Promise<void>;
}

async function prepare(input: EventInput, options: IngestOptions): Promise<PreparedEvent> {
  const built = newEvent(input, options.now, options.retentionDays);
  if (Date.parse(built.expires) <= options.now.getTime()) throw invalid('expires', 'Expiry must be in the future.');
  const pre = options.pre ? await options.pre(built) : { event: built, counters: [], afterStore: async () => {} };
  // A RequestMangler may have set any field: what is stored is masked like the input.
  const changed = pre.event === built ? built : maskedEvent(pre.event);
  const event = { ...changed, context: { ...changed.context, provenance: { ...options.provenance } } };
  return { event, counters: pre.counters, afterStore: pre.afterStore };
}

/** The claim of an event, keeping what `keeps` says (only the id costs one write unit, not the event's size again). */
function claimOf(event: Event, requestHash: string, idempotency: NonNullable<IngestOptions['idempotency']>) {
  const reply = { requestHash, status: 201, body: event satisfies Event };
  const kept = idempotency.keeps === 'id' ? { ...reply, body: { pk: event.pk } } : reply;
  const { keeps: _keeps, ...claim } = idempotency;
  return { reply, claim: { ...claim, reply: kept } };
}

export async function ingestEvent(
  store: IngestStore,
  input: EventInput,
  options: IngestOptions,
): Promise<IngestResult> {
  const requestHash = hashOf(input);
  // A retry answers the first reply before pre bindings run again (their effects happened once).
  if (options.idempotency) {
    const { admin, key } = options.idempotency;
    const earlier = await store.earlierReply(admin, key);
    if (earlier) return replay(earlier, requestHash);
  }
  const pre = await prepare(input, options);
  if (!options.idempotency) {
    await store.put(pre.event, undefined, pre.counters);
    await pre.afterStore();
    return { status: 201, body: pre.event };
  }
  const { reply, claim } = claimOf(pre.event, requestHash, options.idempotency);
  const earlier = await store.put(pre.event, claim, pre.counters);
  if (!earlier) {
    await pre.afterStore();
    return reply;
  }
  return replay(earlier, requestHash);
}

/** One event of a batch: its input and options, its Idempotency-Key required (a connector's native id). */
export interface BatchIngest {
  readonly input: EventInput;
  readonly options: IngestOptions & { idempotency: NonNullable<IngestOptions['idempotency']> };
}

/** Events prepared side by side, at most this many at once (their pre bindings run). */
const concurrentPrepares = 8;

/** The events at these places of the batch prepared (pre bindings run), a few at a time, by place. */
async function prepareAll(batch: readonly BatchIngest[], places: readonly number[]) {
  const prepared = new Map<number, PreparedEvent>();
  let next = 0;
  const worker = async () => {
    for (let at = next++; at < places.length; at = next++) {
      const i = places[at] as number;
      const { input, options } = batch[i] as BatchIngest;
      prepared.set(i, await prepare(input, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrentPrepares, places.length) }, worker));
  return prepared;
}

/**
 * Several events, each as `ingestEvent` with its Idempotency-Key (all of one admin), in a few
 * writes: the earlier replies read at once, a key repeated in the batch stored once, and the
 * events whose pre bindings change no counter written with their claims a few to a transaction
 * (each event with its claim, all or nothing); the others one by one as `ingestEvent`. A key's
 * repeat answers the first reply whatever its body (a platform's redelivery may differ).
 */
export async function ingestBatch(store: IngestStore, batch: readonly BatchIngest[]): Promise<IngestResult[]> {
  const results = new Array<IngestResult>(batch.length);
  const hashes = batch.map(({ input }) => hashOf(input));
  const [first] = batch;
  if (!first) return [];
  const admin = first.options.idempotency.admin;
  const earlier = await store.earlierReplies(admin, [...new Set(batch.map(({ options }) => options.idempotency.key))]);
  // The first of each key not stored before is stored; the rest answer as its repeats.
  const firstOf = new Map<string, number>();
  const fresh: number[] = [];
  for (const [i, { options }] of batch.entries()) {
    const key = options.idempotency.key;
    const stored = earlier.get(key);
    if (stored) results[i] = repeated(stored);
    else if (!firstOf.has(key)) {
      firstOf.set(key, i);
      fresh.push(i);
    }
  }
  const prepared = await prepareAll(batch, fresh);
  const claimed = fresh.map((i) => ({
    i,
    ...claimOf(
      (prepared.get(i) as PreparedEvent).event,
      hashes[i] as string,
      (batch[i] as BatchIngest).options.idempotency,
    ),
  }));
  const plain = claimed.filter(({ i }) => (prepared.get(i) as PreparedEvent).counters.length === 0);
  const counted = claimed.filter(({ i }) => (prepared.get(i) as PreparedEvent).counters.length > 0);
  const written = await store.putClaimed(
    plain.map(({ i, claim }) => ({ event: (prepared.get(i) as PreparedEvent).event, claim })),
  );
  const settle = async ({ i, reply }: (typeof claimed)[number], taken: IdempotentReply | null) => {
    if (taken) results[i] = repeated(taken);
    else {
      await (prepared.get(i) as PreparedEvent).afterStore();
      results[i] = reply;
    }
  };
  for (const [at, one] of plain.entries()) await settle(one, written[at] ?? null);
  for (const one of counted) {
    const pre = prepared.get(one.i) as PreparedEvent;
    await settle(one, await store.put(pre.event, one.claim, pre.counters));
  }
  for (const [i, { options }] of batch.entries()) {
    const origin = firstOf.get(options.idempotency.key);
    if (results[i] === undefined && origin !== undefined) {
      const reply = results[origin] as IngestResult;
      results[i] = { status: reply.status, body: reply.body, replayed: true };
    }
  }
  return results;
}

const repeated = (earlier: IdempotentReply): IngestResult => ({
  status: earlier.status,
  body: earlier.body,
  replayed: true,
});

function replay(earlier: IdempotentReply, requestHash: string): IngestResult {
  if (earlier.requestHash !== requestHash) {
    throw new DomainError('input.conflict', 'This Idempotency-Key was used with a different request body.');
  }
  return { status: earlier.status, body: earlier.body, replayed: true };
}
