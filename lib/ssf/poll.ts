// Poll delivery (RFC 8936): the receiver acknowledges what it has, then gets the oldest SETs still
// queued; an acknowledged SET never comes back, an unacknowledged one does. A paused or disabled
// stream answers none (a paused one keeps them for its enabling, in order).
import * as z from 'zod';
import { notFound } from '../errors.ts';
import type { QueuedSet, SetQueue } from './set-queue.ts';
import type { StoredStream } from './stream.ts';

const jti = z.string().min(1).max(64);

export const pollInput = z
  .strictObject({
    maxEvents: z.int().min(0).max(100).optional(),
    returnImmediately: z.boolean().optional(),
    ack: z.array(jti).max(100).optional(),
    setErrs: z
      .record(jti, z.strictObject({ err: z.string().max(256), description: z.string().max(1024) }))
      .refine((errors) => Object.keys(errors).length <= 100, 'at most 100 setErrs')
      .optional(),
  })
  .optional();
export type PollInput = z.output<typeof pollInput>;

export const pollAnswerShape = z.object({ sets: z.record(z.string(), z.string()), moreAvailable: z.boolean() });
export type PollAnswer = z.output<typeof pollAnswerShape>;

/** SETs answered when the receiver names no maxEvents. */
export const defaultMaxEvents = 25;
/** The longest a poll waits for a SET (RFC 8936 long polling), inside its function's 15 s timeout (infra/routes.ts). */
export const longPollMs = 10_000;
const longPollStepMs = 250;

export interface PollDeps {
  streams: { get(streamId: string): Promise<StoredStream | null> };
  queue: SetQueue;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export async function pollSets(deps: PollDeps, admin: string, streamId: string, input: PollInput): Promise<PollAnswer> {
  const stream = await deps.streams.get(streamId);
  if (!stream || stream.owner !== admin) throw notFound('stream');
  // A SET the receiver could not process (setErrs) is acknowledged like any other: it is not sent again.
  const acknowledged = [...(input?.ack ?? []), ...Object.keys(input?.setErrs ?? {})];
  if (acknowledged.length > 0) await deps.queue.acknowledge(streamId, acknowledged);
  const maxEvents = input?.maxEvents ?? defaultMaxEvents;
  if (maxEvents === 0 || stream.status !== 'enabled') return { sets: {}, moreAvailable: false };
  const deadline =
    deps.now().getTime() +
    (input?.returnImmediately === false || input?.returnImmediately === undefined ? longPollMs : 0);
  let found: QueuedSet[];
  for (;;) {
    found = await deps.queue.oldest(streamId, maxEvents + 1);
    if (found.length > 0 || deps.now().getTime() >= deadline) break;
    await deps.sleep(longPollStepMs);
  }
  const sent = found.slice(0, maxEvents);
  return {
    sets: Object.fromEntries(sent.map((queued) => [queued.jti, queued.set])),
    moreAvailable: found.length > maxEvents,
  };
}
