// The event store port: what the reads by id, ingest and seeding need of stored events (lib/store/events.ts).
import type { Event } from './event.ts';
import type { IdempotencyClaim, IdempotentReply } from './idempotency.ts';

export interface EventStore {
  /**
   * Stores an event. With a claim, the event and the claim are written in one transaction;
   * when the key was already claimed, nothing is written and the earlier reply is returned.
   */
  put(event: Event, claim?: IdempotencyClaim): Promise<IdempotentReply | null>;
  /** The reply stored under an unexpired Idempotency-Key, or null. */
  earlierReply(admin: string, key: string): Promise<IdempotentReply | null>;
  /** The unexpired replies stored under these keys of one admin, by key. */
  earlierReplies(admin: string, keys: readonly string[]): Promise<Map<string, IdempotentReply>>;
  /** Events each with its claim, a few to a transaction; per write null (stored) or the reply of a key claimed first. */
  putClaimed(writes: readonly { event: Event; claim: IdempotencyClaim }[]): Promise<(IdempotentReply | null)[]>;
  /** Stores events 25 to a request (BatchWriteItem): seeding, backfills. Nothing runs on them. */
  putMany(events: readonly Event[]): Promise<void>;
  /** Events by id: those live at `nowMs` (default: now) among these ids. */
  getMany(ids: readonly string[], nowMs?: number): Promise<Map<string, Event>>;
  /** The event with this id, or null when unknown, expired or not one of our ids. */
  get(id: string): Promise<Event | null>;
}
