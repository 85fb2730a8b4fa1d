// Push delivery (RFC 8935) through the delivery ledger: each SET pushed to a stream is one
// delivery (binding 0, module SharedSignals, action push_<stream id>), retried on the ledger's
// schedule, replayed like a webhook's and listed with them. 202 delivers; 400 with {err,
// description} is a dead letter at once; anything else (5xx, timeouts, refused connections) waits
// for its next attempt. A paused stream's SETs are held instead (lib/ssf/hold.ts), in order.
import { type Delivery, deliveryId, type RunOutcome, unboundBinding } from '../dispatch/delivery.ts';
import type { DispatchDeps } from '../dispatch/deps.ts';
import { messageOf, recordOutcome } from '../dispatch/run.ts';
import type { PostAnswer } from '../net/checked-post.ts';
import { DestinationRefused } from '../net/destination.ts';
import { type HeldSets, holdSet, holdsNew } from './hold.ts';
import { type QueuedSet, setExpiry } from './set-queue.ts';
import { pushMethod, type StoredStream } from './stream.ts';

export const signalsModule = 'SharedSignals';
const actionPrefix = 'push_';

/** The ledger's action of a stream's pushes, and the stream an action names. */
export const pushAction = (streamId: string) => `${actionPrefix}${streamId}`;
export const streamOfAction = (action: string) => action.slice(actionPrefix.length);

/** What pushing needs: the ledger's part of dispatch, the streams, the SETs kept for retries, and the sender. */
export interface PushDeps {
  dispatch: Pick<DispatchDeps, 'config' | 'deliveries' | 'metrics' | 'log' | 'now' | 'random'>;
  streams: { get(streamId: string): Promise<StoredStream | null> };
  /** The SETs pushed, kept (by stream and the uuid the delivery names) until they expire. */
  pushed: {
    keep(streamId: string, uuid: string, set: string, expires: Date): Promise<void>;
    get(streamId: string, uuid: string): Promise<string | null>;
  };
  /** A paused push stream's held queue. */
  held: HeldSets;
  /** One checked POST (lib/net/checked-post.ts); rejects with DestinationRefused for a refused destination. */
  send(url: URL, request: { headers: Record<string, string>; body: string }): Promise<PostAnswer>;
}

/** How the receiver answered, as a run's outcome. */
export function pushOutcome(answer: PostAnswer): RunOutcome {
  if (answer.code === 202) return { ok: true, notes: ['HTTP 202'] };
  if (answer.code === 400) {
    try {
      const body = JSON.parse(answer.text) as { err?: unknown; description?: unknown };
      if (typeof body.err === 'string') {
        const description = typeof body.description === 'string' ? `: ${body.description}` : '';
        return { ok: false, error: `HTTP 400 ${body.err}${description}`.slice(0, 500), permanent: true, notes: [] };
      }
    } catch {
      // Not the RFC 8935 error: retried like any other failure.
    }
  }
  return {
    ok: false,
    error: `HTTP ${answer.code}${answer.text ? `: ${answer.text.slice(0, 200)}` : ''}`,
    permanent: false,
    notes: [],
  };
}

/** Sends a SET once to the stream as it is now (callers hold a paused stream's SETs first). */
async function sendSet(deps: PushDeps, stream: StoredStream | null, set: string | null): Promise<RunOutcome> {
  if (!stream) return { ok: false, error: 'the stream no longer exists', permanent: true, notes: [] };
  if (!set) return { ok: false, error: 'the SET has expired', permanent: true, notes: [] };
  if (stream.delivery.method !== pushMethod) {
    return { ok: false, error: 'the stream delivers by poll now', permanent: true, notes: [] };
  }
  if (stream.status === 'disabled') return { ok: false, error: 'the stream is disabled', permanent: true, notes: [] };
  if (stream.status === 'paused') return { ok: false, error: 'the stream is paused', permanent: false, notes: [] };
  const headers: Record<string, string> = {
    'content-type': 'application/secevent+jwt',
    accept: 'application/json',
    ...(stream.delivery.authorization_header !== undefined && { authorization: stream.delivery.authorization_header }),
  };
  try {
    return pushOutcome(await deps.send(new URL(stream.delivery.endpoint_url), { headers, body: set }));
  } catch (error) {
    return { ok: false, error: messageOf(error), permanent: error instanceof DestinationRefused, notes: [] };
  }
}

/** Runs a leased push once, with the stream as it is now, and writes what it became. */
export async function runLeased(
  deps: PushDeps,
  stream: StoredStream | null,
  leased: Delivery,
  set: string | null,
): Promise<Delivery> {
  return recordOutcome(deps.dispatch, leased, await sendSet(deps, stream, set));
}

/** Leases a held delivery for its first attempt; null when another runner had it first. */
export function leaseHeld(deps: PushDeps, held: Delivery): Promise<Delivery | null> {
  const now = deps.dispatch.now();
  return deps.dispatch.deliveries.replace(held, {
    ...held,
    status: 'pending',
    attempt: held.attempt + 1,
    next_attempt: new Date(now.getTime() + deps.dispatch.config.leaseMs).toISOString(),
    updated: now.toISOString(),
  });
}

function newPushDelivery(deps: PushDeps, stream: StoredStream, uuid: string, held: boolean): Delivery {
  const now = deps.dispatch.now();
  const action = pushAction(stream.stream_id);
  return {
    id: deliveryId(uuid, unboundBinding, action),
    event: uuid,
    binding: unboundBinding,
    binding_name: `Shared Signals stream ${stream.stream_id}`,
    handlermodule: signalsModule,
    action,
    position: 'post',
    // Held: no attempt yet and not due, so the retry runner never reads or counts it.
    status: held ? 'held' : 'pending',
    attempt: held ? 0 : 1,
    max_attempts: deps.dispatch.config.maxAttempts,
    last_error: null,
    next_attempt: held ? null : new Date(now.getTime() + deps.dispatch.config.leaseMs).toISOString(),
    notes: [],
    created: now.toISOString(),
    updated: now.toISOString(),
    rev: 0,
  };
}

/** Holds a SET of a holding stream; sends it at once if the stream stopped holding before it was counted. */
async function hold(deps: PushDeps, stream: StoredStream, queued: QueuedSet, uuid: string): Promise<void> {
  const delivery = newPushDelivery(deps, stream, uuid, true);
  if (!(await deps.dispatch.deliveries.claim(delivery))) {
    // Claimed before (a redelivered batch): held again only if it still is, in case the queue entry was never written.
    if ((await deps.dispatch.deliveries.get(delivery.id))?.status !== 'held') return;
  }
  const expires = setExpiry(deps.dispatch.now());
  if (await holdSet(deps.held, stream.stream_id, { jti: queued.jti, uuid, expires })) return;
  // Enabled and worked off meanwhile: it is sent now, as any new SET would be.
  const held = await deps.dispatch.deliveries.get(delivery.id);
  const leased = held?.status === 'held' ? await leaseHeld(deps, held) : null;
  if (leased) await runLeased(deps, await deps.streams.get(stream.stream_id), leased, queued.set);
}

/**
 * Pushes a SET once, claimed in the ledger first: `uuid` is the hub event's pk (a verification:
 * the SET's jti), so a redelivered stream batch finds the claim and pushes nothing twice. The
 * stream is read again (the fan-out's copy may be a second old): a paused one, or one whose held
 * SETs are still being released, holds the SET behind the others.
 */
export async function pushSet(deps: PushDeps, seen: StoredStream, queued: QueuedSet, uuid: string): Promise<void> {
  await deps.pushed.keep(seen.stream_id, uuid, queued.set, setExpiry(deps.dispatch.now()));
  const stream = await deps.streams.get(seen.stream_id);
  if (!stream) return;
  if (holdsNew(stream)) return hold(deps, stream, queued, uuid);
  const delivery = newPushDelivery(deps, stream, uuid, false);
  if (!(await deps.dispatch.deliveries.claim(delivery))) return;
  await runLeased(deps, stream, delivery, queued.set);
}
