// Push delivery (RFC 8935) through the delivery ledger: each SET pushed to a stream is one
// delivery (binding 0, module SharedSignals, action push_<stream id>), retried on the ledger's
// schedule, replayed like a webhook's and listed with them. 202 delivers; 400 with {err,
// description} is a dead letter at once; anything else (5xx, timeouts, refused connections) waits
// for its next attempt.
import { type Delivery, deliveryId, type RunOutcome, unboundBinding } from '../dispatch/delivery.ts';
import type { DispatchDeps } from '../dispatch/deps.ts';
import { messageOf, recordOutcome } from '../dispatch/run.ts';
import type { PostAnswer } from '../net/checked-post.ts';
import { DestinationRefused } from '../net/destination.ts';
import { setExpiry } from './set-queue.ts';
import { pushMethod, type StoredStream } from './stream.ts';

export const signalsModule = 'SharedSignals';
const actionPrefix = 'push_';

/** What pushing needs: the ledger's part of dispatch, the streams, the SETs kept for retries, and the sender. */
export interface PushDeps {
  dispatch: Pick<DispatchDeps, 'config' | 'deliveries' | 'metrics' | 'log' | 'now' | 'random'>;
  streams: { get(streamId: string): Promise<StoredStream | null> };
  /** The SETs pushed, kept (by stream and the uuid the delivery names) until they expire. */
  pushed: {
    keep(streamId: string, uuid: string, set: string, expires: Date): Promise<void>;
    get(streamId: string, uuid: string): Promise<string | null>;
  };
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

async function sendSet(deps: PushDeps, stream: StoredStream, set: string): Promise<RunOutcome> {
  if (stream.delivery.method !== pushMethod) {
    return { ok: false, error: 'the stream delivers by poll now', permanent: true, notes: [] };
  }
  if (stream.status === 'disabled') return { ok: false, error: 'the stream is disabled', permanent: true, notes: [] };
  // Held: the ledger's schedule tries again (first cut: a long pause can outlast the attempts).
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

function newPushDelivery(deps: PushDeps, stream: StoredStream, uuid: string): Delivery {
  const now = deps.dispatch.now();
  const action = `${actionPrefix}${stream.stream_id}`;
  return {
    id: deliveryId(uuid, unboundBinding, action),
    event: uuid,
    binding: unboundBinding,
    binding_name: `Shared Signals stream ${stream.stream_id}`,
    handlermodule: signalsModule,
    action,
    position: 'post',
    status: 'pending',
    attempt: 1,
    max_attempts: deps.dispatch.config.maxAttempts,
    last_error: null,
    next_attempt: new Date(now.getTime() + deps.dispatch.config.leaseMs).toISOString(),
    notes: [],
    created: now.toISOString(),
    updated: now.toISOString(),
    rev: 0,
  };
}

/**
 * Pushes a SET once, claimed in the ledger first: `uuid` is the hub event's pk (a verification:
 * the SET's jti), so a redelivered stream batch finds the claim and pushes nothing twice.
 */
export async function pushSet(deps: PushDeps, stream: StoredStream, uuid: string, set: string): Promise<void> {
  await deps.pushed.keep(stream.stream_id, uuid, set, setExpiry(deps.dispatch.now()));
  const delivery = newPushDelivery(deps, stream, uuid);
  if (!(await deps.dispatch.deliveries.claim(delivery))) return;
  await recordOutcome(deps.dispatch, delivery, await sendSet(deps, stream, set));
}

/** A retry or replay from the ledger: the stream as it is now, the SET as it was pushed. */
export async function retryPush(deps: PushDeps, delivery: Delivery): Promise<RunOutcome> {
  const streamId = delivery.action.slice(actionPrefix.length);
  const stream = await deps.streams.get(streamId);
  if (!stream) return { ok: false, error: `stream ${streamId} no longer exists`, permanent: true, notes: [] };
  const set = await deps.pushed.get(streamId, delivery.event);
  if (!set) return { ok: false, error: 'the SET has expired', permanent: true, notes: [] };
  return sendSet(deps, stream, set);
}
