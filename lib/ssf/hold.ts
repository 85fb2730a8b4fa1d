// Holding a paused push stream's SETs (SSF 1.0 §8.1.2.1: a paused stream transmits nothing and
// holds what it would have sent). A held SET waits in the stream's held queue, in jti (= creation)
// order, its delivery `held` in the ledger: not attempted, not due, so no pause however long uses
// up its attempts. After the pause, new SETs join the queue while held ones are left (`holding`),
// so nothing made after the enable overtakes them (lib/ssf/release.ts releases them).
import { setExpiry } from './set-queue.ts';
import { pushMethod, type StoredStream } from './stream.ts';

/** A SET in a stream's held queue: its jti (the order) and the uuid its delivery is named by. */
export interface HeldSet {
  jti: string;
  uuid: string;
  /** When the SET expires (`setRetentionDays` after it was made): it is dropped, not sent, after. */
  expires: Date;
}

/** What holding needs from the store (lib/store/ssf-streams.ts). */
export interface HeldSets {
  /** Puts a SET in the held queue; keyed by jti, so putting it again changes nothing. */
  add(streamId: string, held: HeldSet): Promise<void>;
  /**
   * Counts one more hold on the stream if it still holds new SETs (paused, or enabled and
   * holding); false when it does not (it was enabled and its queue worked off, or disabled, or deleted).
   */
  counted(streamId: string): Promise<boolean>;
  /** The oldest held SETs (expired ones too: the release drops them). */
  oldest(streamId: string, limit: number): Promise<HeldSet[]>;
  remove(streamId: string, jti: string): Promise<void>;
  /** Held SETs may be left: new SETs join them until the release ends holding. */
  startHolding(streamId: string): Promise<void>;
  /** Ends holding unless a SET was held since the stream showed `holds`; false when one was. */
  endHolding(streamId: string, holds: number): Promise<boolean>;
}

/** Whether a SET made now for this stream is held rather than pushed. */
export const holdsNew = (stream: StoredStream) =>
  stream.delivery.method === pushMethod &&
  (stream.status === 'paused' || (stream.status === 'enabled' && stream.holding));

/**
 * Puts a SET in the held queue and counts it on the stream, which must still be holding then;
 * false when it no longer is: the caller sends it as the stream now says (the queue entry stays
 * until a release finds its delivery settled and takes it out). Queue first, count second: a
 * release that saw the count before this SET also sees it in the queue, or fails to end holding
 * and looks again.
 */
export async function holdSet(held: HeldSets, streamId: string, set: HeldSet): Promise<boolean> {
  await held.add(streamId, set);
  return held.counted(streamId);
}

/** A compact SET (ours: signed here) as a held queue entry: its jti, and its expiry from its iat. */
export function heldOf(set: string, uuid: string): HeldSet {
  const payload = JSON.parse(Buffer.from(set.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    jti?: unknown;
    iat?: unknown;
  };
  if (typeof payload.jti !== 'string' || typeof payload.iat !== 'number') throw new Error('a SET without jti or iat');
  return { jti: payload.jti, uuid, expires: setExpiry(new Date(payload.iat * 1000)) };
}
