// The port the event searches read through (authentik's list and analytics, Onegini's search):
// counts and pages of the events having any of some terms in a time range; lib/store/event-log.ts
// implements it.
import type { Event } from './event.ts';
import type { Term } from './terms.ts';

/** Milliseconds, from inclusive, to exclusive. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export type LogOrder = 'newest' | 'oldest';

export interface EventLogQuery {
  /** Events having any of these terms (all of one kind). */
  readonly terms: readonly Term[];
  readonly range: TimeRange;
  readonly order: LogOrder;
  readonly offset: number;
  readonly limit: number;
  /** A filter no index answers, checked on each event read. */
  readonly check?: (event: Event) => boolean;
}

export interface FoundEvents {
  events: Event[];
  count: number;
  /** The count is an estimate: an exact one would need more reads than one request may make. */
  estimated: boolean;
}

export interface EventLog {
  count(terms: readonly Term[], range: TimeRange): Promise<{ count: number; estimated: boolean }>;
  find(query: EventLogQuery): Promise<FoundEvents>;
  /** Every action of a sealed event (a custom action first used in the unsealed tail is not yet here). */
  actionsSeen(): Promise<string[]>;
  /** The index partitions a count or page of these terms reads (each term on each of its shards). */
  partitionsOf(terms: readonly Term[]): number;
}
