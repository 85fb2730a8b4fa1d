// The scale bench's options and figures, as plain JSON: bench/scale.ts passes the options to each
// part and reads back its figures. No side effects, so importing it creates no table (a part,
// bench/scale-part.ts, creates its table on import).

export interface PartOptions {
  part: 'size' | 'burst';
  /** Events to store. */
  count: number;
  /** Of them, the hot actor's. */
  hotCount: number;
  seed: number;
  /** The parent's clock: every part places its events and windows relative to it. */
  anchorMs: number;
  /** Busy minutes the events are created in (empty: uniformly over the 300 days). */
  minutes: number[];
  /** A burst's rate in events/s (10 000 by default; 1 000 × 60 000 events fill one whole minute). */
  ratePerSecond?: number;
  /** Where the figures go (JSON). */
  out: string;
}

/** Capacity as plain JSON. */
export interface UsageFigures {
  reads: number;
  writes: number;
  total: number;
  requests: Record<string, number>;
  byTarget: Record<string, number>;
  byItem: Record<string, number>;
}

export interface PatternFigures {
  dialect: 'authentik' | 'onegini';
  /** The filter (`none`, `action`, …, `actor`, `userId`, `actor+userId`). */
  filter: string;
  window: boolean;
  ordering: 'default' | 'created';
  /** `page 1`, `last page`, `offset 0`, … */
  at: string;
  /** The page number or offset asked. */
  position: number;
  rcu: number;
  requests: number;
  /** Median of three runs. */
  ms: number;
  bytes: number;
  results: number;
  count: number;
  expectedCount: number;
  estimated: boolean;
  /** null: the answer is what the seeded events say; else what differs (or the error). */
  wrong: string | null;
}

export interface SizeFigures {
  part: 'size';
  count: number;
  hotCount: number;
  seedSeconds: number;
  seedUsage: UsageFigures;
  sealSeconds: number;
  sealUsage: UsageFigures;
  sealRuns: number[];
  /** Distinct minutes holding an event (each is one sealed minute with updates). */
  eventMinutes: number;
  patterns: PatternFigures[];
}

/** One request against the burst's table. */
export interface ProbeFigures {
  label: string;
  rcu: number;
  ms: number;
  results: number;
  count: number;
  expectedCount: number;
  estimated: boolean;
  error: string | null;
}

export interface KeyShare {
  kind: string;
  key: string;
  writes: number;
  share: number;
}

export interface BurstFigures {
  part: 'burst';
  count: number;
  hotCount: number;
  windowMs: number;
  /** The busiest partition key of each table/index, by writes during the burst. */
  busiest: KeyShare[];
  /** The same for a burst of the mix without the hot actor (computed, not written). */
  busiestWithoutHot: KeyShare[];
  /** Index entries per event, by table/index (from the items). */
  entriesPerEvent: Record<string, number>;
  /** Events written one PutItem each (the request path, eventStore.put). */
  putEvents: number;
  putUsage: UsageFigures;
  batchEvents: number;
  batchUsage: UsageFigures;
  writeSeconds: number;
  sealSeconds: number;
  sealUsage: UsageFigures;
  /** The live seal over the burst, in passes of 250 ms of its events (issue 20). */
  liveSeconds: number;
  liveUsage: UsageFigures;
  eventMinutes: number;
  distinctTerms: number;
  storedBytes: { mean: number; max: number };
  /** Reads right after the burst (all of it unsealed) and after its seal. */
  probes: ProbeFigures[];
}
