// What a receiver (an admin) does with its streams (SSF 1.0 §8.1): create, read, update, replace,
// delete, read and set the status, add and remove subjects, request a verification. A stream is
// its creator's: to any other admin it does not exist.
import { randomUUID } from 'node:crypto';
import { retryConflicts } from '../conflicts.ts';
import { invalid, notFound, RateLimited } from '../errors.ts';
import { uuid7 } from '../events/uuid7.ts';
import { audienceOf, pollUrl } from './configuration.ts';
import { type DeliverDeps, deliverSet } from './deliver.ts';
import type { SetSigner } from './keys.ts';
import { releaseHeld, requestBudget } from './release.ts';
import { setClaims, verificationContent } from './set.ts';
import {
  type Delivery,
  type DeliveryInput,
  eventsDelivered,
  eventsSupported,
  pollMethod,
  pushMethod,
  type StatusInput,
  type StoredStream,
  type Stream,
  type StreamConfiguration,
  type StreamCreateInput,
  type StreamUpdateInput,
  type SubjectIdentifier,
  type SubjectInput,
  streamConfiguration,
  streamStatusOf,
  type VerificationInput,
} from './stream.ts';

/** What streams need from the store (lib/store/ssf-streams.ts). */
export interface StreamStore {
  get(streamId: string): Promise<StoredStream | null>;
  /** The streams an admin created, in stream id order. */
  ofOwner(owner: string): Promise<StoredStream[]>;
  create(stream: Stream): Promise<StoredStream>;
  /** Replaces it if it is still at `previous.version` (else VersionConflict). */
  update(stream: Stream, previous: StoredStream): Promise<StoredStream>;
  /** Deletes it if it is still at `previous.version` (else VersionConflict). */
  remove(previous: StoredStream): Promise<void>;
  /**
   * Records a verification request at `nowMs` unless one was recorded less than `intervalMs`
   * before (one conditional write, so two at once cannot both pass); false when too soon.
   */
  claimVerification(streamId: string, nowMs: number, intervalMs: number): Promise<boolean>;
  /** When the last verification request was recorded (epoch ms), or null. */
  lastVerification(streamId: string): Promise<number | null>;
  /** Default subjects are ALL: only removals are kept. */
  removeSubject(streamId: string, subject: SubjectIdentifier): Promise<void>;
  addSubject(streamId: string, subject: SubjectIdentifier): Promise<void>;
}

export interface StreamDeps extends DeliverDeps {
  streams: StreamStore;
  /** The webhook SSRF guard: throws a refusal (its message says why) for a push URL that may not be called. */
  checkPushEndpoint(url: string): Promise<void>;
  signer(): Promise<SetSigner>;
  /** The seconds a new stream's receiver waits between verification requests (0: none). */
  minVerificationInterval: number;
  now(): Date;
}

/** Who asks (the admin, as receiver) and the base URL they reached the service at (the issuer). */
export interface Receiver {
  admin: string;
  issuer: string;
}

async function owned(deps: Pick<StreamDeps, 'streams'>, admin: string, streamId: string): Promise<StoredStream> {
  const stream = await deps.streams.get(streamId);
  if (!stream || stream.owner !== admin) throw notFound('stream');
  return stream;
}

async function deliveryOf(
  deps: StreamDeps,
  input: DeliveryInput | undefined,
  issuer: string,
  streamId: string,
): Promise<Delivery> {
  const assigned = pollUrl(issuer, streamId);
  if (input === undefined || input.method === pollMethod) {
    if (input?.endpoint_url !== undefined && input.endpoint_url !== assigned) {
      throw invalid('delivery.endpoint_url', 'the poll endpoint_url is the transmitter’s to choose');
    }
    return { method: pollMethod, endpoint_url: assigned };
  }
  try {
    await deps.checkPushEndpoint(input.endpoint_url);
  } catch (error) {
    throw invalid('delivery.endpoint_url', (error as Error).message);
  }
  return {
    method: pushMethod,
    endpoint_url: input.endpoint_url,
    ...(input.authorization_header !== undefined && { authorization_header: input.authorization_header }),
  };
}

export async function createStream(
  deps: StreamDeps,
  input: StreamCreateInput,
  { admin, issuer }: Receiver,
): Promise<StreamConfiguration> {
  const streamId = randomUUID().replaceAll('-', '');
  const stream: Stream = {
    stream_id: streamId,
    owner: admin,
    iss: issuer,
    aud: audienceOf(issuer, admin),
    delivery: await deliveryOf(deps, input.delivery, issuer, streamId),
    ...(input.events_requested !== undefined && { events_requested: input.events_requested }),
    ...(input.description !== undefined && { description: input.description }),
    ...(deps.minVerificationInterval > 0 && { min_verification_interval: deps.minVerificationInterval }),
    status: 'enabled',
    created: deps.now().toISOString(),
  };
  return streamConfiguration(await deps.streams.create(stream));
}

/** One stream's configuration, or every stream of the admin (`[]` when none). */
export async function readStreams(
  deps: Pick<StreamDeps, 'streams'>,
  admin: string,
  streamId: string | undefined,
): Promise<StreamConfiguration | StreamConfiguration[]> {
  if (streamId !== undefined) return streamConfiguration(await owned(deps, admin, streamId));
  return (await deps.streams.ofOwner(admin)).map(streamConfiguration);
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value) => b.includes(value));

/** Transmitter-supplied fields may be sent back, but only as they are (§8.1.1.3). */
function checkEchoed(input: StreamUpdateInput, stream: Stream): void {
  if (input.iss !== undefined && input.iss !== stream.iss) throw invalid('iss', 'iss is read-only');
  if (input.aud !== undefined) {
    const aud = Array.isArray(input.aud) ? input.aud : [input.aud];
    if (!sameSet(aud, [stream.aud])) throw invalid('aud', 'aud is read-only');
  }
  if (input.events_supported !== undefined && !sameSet(input.events_supported, eventsSupported)) {
    throw invalid('events_supported', 'events_supported is read-only');
  }
  if (
    input.events_delivered !== undefined &&
    !sameSet(input.events_delivered, eventsDelivered(stream.events_requested))
  ) {
    throw invalid('events_delivered', 'events_delivered is read-only and does not match the stream');
  }
  if (
    input.min_verification_interval !== undefined &&
    input.min_verification_interval !== stream.min_verification_interval
  ) {
    throw invalid('min_verification_interval', 'min_verification_interval is read-only');
  }
}

/**
 * PATCH (`replace` false): the fields sent change, the others stay. PUT (`replace` true): the
 * receiver-supplied fields are the request's, a missing one is deleted (no delivery: poll).
 */
export async function updateStream(
  deps: StreamDeps,
  input: StreamUpdateInput,
  admin: string,
  replace: boolean,
): Promise<StreamConfiguration> {
  const saved = await retryConflicts(async () => {
    const previous = await owned(deps, admin, input.stream_id);
    checkEchoed(input, previous);
    const { version: _version, ...current } = previous;
    const keep = <K extends 'events_requested' | 'description'>(key: K) =>
      input[key] !== undefined
        ? { [key]: input[key] }
        : replace || current[key] === undefined
          ? {}
          : { [key]: current[key] };
    const { events_requested: _e, description: _d, ...rest } = current;
    const delivery =
      input.delivery === undefined && !replace
        ? current.delivery
        : await deliveryOf(deps, input.delivery, current.iss, current.stream_id);
    const next: Stream = { ...rest, delivery, ...keep('events_requested'), ...keep('description') };
    return deps.streams.update(next, previous);
  });
  return streamConfiguration(saved);
}

export async function deleteStream(deps: Pick<StreamDeps, 'streams' | 'push'>, admin: string, streamId: string) {
  const removed = await retryConflicts(async () => {
    const stream = await owned(deps, admin, streamId);
    await deps.streams.remove(stream);
    return stream;
  });
  // Its held SETs are dropped, head first, by the ledger's retry runner.
  if (removed.delivery.method === pushMethod) await releaseHeld(deps.push, streamId, requestBudget);
}

export async function readStatus(deps: Pick<StreamDeps, 'streams'>, admin: string, streamId: string) {
  return streamStatusOf(await owned(deps, admin, streamId));
}

/**
 * Sets the status. A push stream leaving a pause (or disabled) has its held SETs worked off: they
 * keep new SETs behind them (`holding`) while the ledger's retry runner releases them in order
 * (enabled) or drops them (disabled, and a later enable does not bring them back); the request
 * itself only hands the queue's head to the ledger, whatever the queue's length.
 */
export async function updateStatus(deps: Pick<StreamDeps, 'streams' | 'push'>, admin: string, input: StatusInput) {
  const { saved, previous } = await retryConflicts(async () => {
    const previous = await owned(deps, admin, input.stream_id);
    const { version: _version, reason: _reason, drop_held_before: dropBefore, ...current } = previous;
    const dropHeldBefore = input.status === 'disabled' ? uuid7(deps.push.dispatch.now().getTime()) : dropBefore;
    const next: Stream = {
      ...current,
      status: input.status,
      ...(input.reason !== undefined && { reason: input.reason }),
      ...(dropHeldBefore !== undefined && { drop_held_before: dropHeldBefore }),
    };
    return { saved: await deps.streams.update(next, previous), previous };
  });
  const leavesHold = input.status !== 'paused' && (previous.status !== input.status || previous.holding);
  if (saved.delivery.method === pushMethod && leavesHold) {
    await deps.push.held.startHolding(saved.stream_id);
    await releaseHeld(deps.push, saved.stream_id, requestBudget);
  }
  return streamStatusOf(saved);
}

export async function addSubject(deps: Pick<StreamDeps, 'streams'>, admin: string, input: SubjectInput) {
  await owned(deps, admin, input.stream_id);
  await deps.streams.addSubject(input.stream_id, input.subject);
}

export async function removeSubject(deps: Pick<StreamDeps, 'streams'>, admin: string, input: SubjectInput) {
  await owned(deps, admin, input.stream_id);
  await deps.streams.removeSubject(input.stream_id, input.subject);
}

/** A verification request sooner than the stream's min_verification_interval is refused (§8.1.4.2: 429). */
async function claimVerification(deps: StreamDeps, stream: StoredStream, now: Date): Promise<void> {
  const intervalMs = (stream.min_verification_interval ?? 0) * 1000;
  if (intervalMs === 0) return;
  if (await deps.streams.claimVerification(stream.stream_id, now.getTime(), intervalMs)) return;
  const last = (await deps.streams.lastVerification(stream.stream_id)) ?? now.getTime();
  const retryAfter = Math.max(1, Math.ceil((last + intervalMs - now.getTime()) / 1000));
  throw new RateLimited(
    `A verification was requested less than ${stream.min_verification_interval} s ago (min_verification_interval); retry in ${retryAfter} s.`,
    retryAfter,
  );
}

/** Sends the stream a verification SET (SSF 1.0 §8.1.4.2): queued for poll, pushed for push. */
export async function requestVerification(deps: StreamDeps, admin: string, input: VerificationInput): Promise<void> {
  const stream = await owned(deps, admin, input.stream_id);
  const now = deps.now();
  await claimVerification(deps, stream, now);
  const jti = uuid7(now.getTime());
  const signer = await deps.signer();
  const set = await signer.sign({ ...setClaims(stream, verificationContent(stream, input.state), jti, now) });
  await deliverSet(deps, stream, { jti, set }, jti);
}
