// The SETs a stream holds for its receiver until acknowledged (poll, RFC 8936), oldest first.
// Shared by the stream routes (verification), the poll route and the dispatcher's fan-out.

export interface QueuedSet {
  jti: string;
  /** The compact JWS. */
  set: string;
}

/** What the queue needs from the store (lib/store/ssf-streams.ts). */
export interface SetQueue {
  /** Queues a SET; `jti` is a UUIDv7, so queue order is the order SETs were made. */
  enqueue(streamId: string, queued: QueuedSet, expires: Date): Promise<void>;
  /** The oldest `limit` SETs still queued (unacknowledged). */
  oldest(streamId: string, limit: number): Promise<QueuedSet[]>;
  /** Drops acknowledged SETs; an unknown jti is ignored. */
  acknowledge(streamId: string, jtis: readonly string[]): Promise<void>;
}

/** How long an unacknowledged SET is kept. */
export const setRetentionDays = 7;

/** When a SET made at `now` leaves the queue unacknowledged. */
export const setExpiry = (now: Date) => new Date(now.getTime() + setRetentionDays * 86_400_000);
