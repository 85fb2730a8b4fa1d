// Detection rules, live (issue 22 items 2–4): each stream batch of stored events is counted by
// every enabled rule, per group, with the window code replay runs (GroupWindow). Exactly once:
// - a group's state is one item, written only if still at the version read (concurrent
//   consumers of other stream shards retry on a fresh read);
// - it holds, per event shard, the stream position it has counted up to: a redelivered record is
//   at or below it and counts nothing (records of one shard come in order, one batch at a time);
// - a fire is written into the state with the count that caused it (`pending`), then recorded
//   through ingest under a claim of the rule, group and firing event, then cleared: a crash
//   between them leaves it pending, and the next batch touching the group (the redelivery does)
//   records it again, which the claim makes a no-op.
import { createHash } from 'node:crypto';
import type { Event } from '../events/event.ts';
import type { StructuredLog } from '../log.ts';
import { GroupWindow, type GroupWindowState, type RuleCounter, ruleCounter, ruleFireOf } from './evaluate.ts';
import { canonicalJson } from './event-path.ts';
import { type PendingFire, pendingFire } from './fires.ts';
import type { DetectionRule, RuleFire, StoredDetectionRule } from './rule.ts';

/** One stored event as the stream delivered it: its shard and its position there (null: unknown). */
export interface StreamedEvent {
  readonly event: Event;
  readonly shard: string;
  readonly position: string | null;
}

/** One group of one rule between batches. */
export interface GroupState {
  readonly rule: string;
  /** SHA-256 of the group's values as canonical JSON (base64url, 22 characters). */
  readonly group: string;
  readonly values: readonly unknown[];
  /** Rises with each write; 0 for a state never written. */
  readonly version: number;
  /** What the rule counted when this was written: another signature starts the group empty. */
  readonly signature: string;
  readonly window: GroupWindowState;
  /** Per event shard, the last stream position counted. */
  readonly positions: Readonly<Record<string, string>>;
  /** Fires written but maybe not yet recorded. */
  readonly pending: readonly PendingFire[];
  /** Epoch seconds after which the state may go (nothing in it can matter). */
  readonly expiresAt: number;
}

/** What the live path needs from the store (lib/store/rule-states.ts). */
export interface RuleStateStore {
  /** The group's state (strongly consistent), or null. */
  get(rule: string, group: string): Promise<GroupState | null>;
  /** The states of these groups that exist (strongly consistent, in batches), keyed `<rule>#<group>`. */
  getMany(keys: readonly { rule: string; group: string }[]): Promise<Map<string, GroupState>>;
  /** Writes the state if the stored one is still at `previousVersion` (0: none); false if another writer came first. */
  put(state: GroupState, previousVersion: number): Promise<boolean>;
}

export interface LiveRuleDeps {
  /** The enabled rules, as of at most a second or so ago. */
  enabledRules(): Promise<StoredDetectionRule[]>;
  states: RuleStateStore;
  /** Records a fire's event; true when this call stored it (false: it was recorded before). */
  recordFire(fire: PendingFire): Promise<boolean>;
  log: StructuredLog;
  now(): Date;
}

/** The fires one batch caused (each recorded once, whatever a redelivery does). */
export interface LiveResult {
  readonly fires: { rule: string; fire: RuleFire }[];
}

/** Groups of one batch counted at once, at most: their states are read together first. */
const concurrentGroups = 32;
/** Days a state outlives its window and quiet: longer than a record can be redelivered (1 day). */
const stateSlackDays = 2;

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('base64url').slice(0, length);

/** A group's key in the store: its values' canonical JSON, hashed. */
export const groupHash = (values: readonly unknown[]) => hash(canonicalJson(values), 22);

/** What a rule counts: a change of any of these starts its groups empty. */
export const countingSignature = (rule: DetectionRule) =>
  hash(
    canonicalJson([rule.query, rule.type, rule.field, rule.group_by, rule.window, rule.threshold, rule.suppress_for]),
    16,
  );

/** Positions of one shard increase (stream sequence numbers: decimal digits). */
export function isAfter(position: string, mark: string | undefined): boolean {
  if (mark === undefined) return true;
  const a = position.replace(/^0+/, '');
  const b = mark.replace(/^0+/, '');
  return a.length !== b.length ? a.length > b.length : a > b;
}

interface Counting {
  readonly at: number;
  readonly pk: string;
  readonly value: string;
  readonly shard: string;
  readonly position: string | null;
}

interface GroupWork {
  readonly rule: StoredDetectionRule;
  readonly counter: RuleCounter;
  readonly group: string;
  readonly values: readonly unknown[];
  readonly events: Counting[];
}

// Compiled per rule version; a container sees few rules.
const counters = new Map<string, { version: number; counter: RuleCounter }>();
function counterOf(rule: StoredDetectionRule): RuleCounter {
  const kept = counters.get(rule.pk);
  if (kept && kept.version === rule.version) return kept.counter;
  const counter = ruleCounter(rule);
  counters.set(rule.pk, { version: rule.version, counter });
  return counter;
}

/** The groups the batch's events fall in, per enabled rule, each with its events in stream order. */
function groupsOf(rules: readonly StoredDetectionRule[], batch: readonly StreamedEvent[]): GroupWork[] {
  const work = new Map<string, GroupWork>();
  for (const { event, shard, position } of batch) {
    for (const rule of rules) {
      const counter = counterOf(rule);
      const counted = counter.counted(event);
      if (counted === null) continue;
      // The value is kept as a hash: a state holds 9 bytes a value, whatever its size.
      const value = counter.settings.distinct ? hash(counted.value, 12) : '';
      const group = groupHash(counted.values);
      const id = `${rule.pk}#${group}`;
      let entry = work.get(id);
      if (!entry) {
        entry = { rule, counter, group, values: counted.values, events: [] };
        work.set(id, entry);
      }
      entry.events.push({ at: Date.parse(event.created), pk: event.pk, value, shard, position });
    }
  }
  return [...work.values()];
}

const emptyWindow: GroupWindowState = { entries: [], newest: null, lastFire: null };

/** The state to count on: the stored one, or an empty one where the rule changed or it expired. */
function startingPoint(work: GroupWork, stored: GroupState | null, signature: string, nowSeconds: number): GroupState {
  const fresh = {
    rule: work.rule.pk,
    group: work.group,
    values: work.values,
    version: stored?.version ?? 0,
    signature,
    window: emptyWindow,
    positions: stored?.positions ?? {},
    pending: stored?.pending ?? [],
    expiresAt: 0,
  };
  if (!stored) return fresh;
  if (stored.signature !== signature) return fresh;
  // Past its expiry nothing counted can matter, nor be redelivered: as new (TTL deletes late).
  if (stored.expiresAt < nowSeconds) return { ...fresh, positions: {}, pending: stored.pending };
  return stored;
}

/** Counts one group's events of the batch into its state; the fires it caused. */
async function countGroup(deps: LiveRuleDeps, work: GroupWork, read: GroupState | null): Promise<RuleFire[]> {
  const signature = countingSignature(work.rule);
  const { settings } = work.counter;
  for (let attempt = 0; ; attempt++) {
    // The batch's read first; after a lost write, the group alone.
    const stored = attempt === 0 ? read : await deps.states.get(work.rule.pk, work.group);
    const start = startingPoint(work, stored, signature, Math.floor(deps.now().getTime() / 1000));
    const window = new GroupWindow(settings, start.window);
    const positions = { ...start.positions };
    const fires: RuleFire[] = [];
    let counted = 0;
    for (const event of work.events) {
      if (event.position !== null) {
        if (!isAfter(event.position, positions[event.shard])) continue;
        positions[event.shard] = event.position;
      }
      counted++;
      const fire = window.add(event.at, event.pk, event.value);
      if (fire) fires.push(ruleFireOf(work.rule, work.values, fire));
    }
    let state = start;
    if (counted > 0) {
      const saved = window.state();
      state = {
        ...start,
        version: start.version + 1,
        window: saved,
        positions,
        pending: [...start.pending, ...fires.map((fire) => pendingFire(work.rule, work.group, fire))],
        expiresAt:
          Math.ceil(((saved.newest ?? 0) + settings.windowMs + settings.suppressMs) / 1000) + stateSlackDays * 86_400,
      };
      // Another consumer wrote the group meanwhile: read it again and count on what it holds.
      if (!(await deps.states.put(state, start.version))) continue;
    }
    if (state.pending.length > 0) await recordPending(deps, state);
    return fires;
  }
}

/** Records the state's pending fires, then clears them (a failed clear is left to the next write). */
async function recordPending(deps: LiveRuleDeps, state: GroupState) {
  for (const fire of state.pending) await deps.recordFire(fire);
  await deps.states.put({ ...state, version: state.version + 1, pending: [] }, state.version);
}

/** Counts a batch of stored events (in stream order) by every enabled rule. */
export async function evaluateRulesLive(deps: LiveRuleDeps, batch: readonly StreamedEvent[]): Promise<LiveResult> {
  const rules = await deps.enabledRules();
  if (rules.length === 0) return { fires: [] };
  const work = groupsOf(rules, batch);
  const fires: LiveResult['fires'] = [];
  for (let i = 0; i < work.length; i += concurrentGroups) {
    const chunk = work.slice(i, i + concurrentGroups);
    const read = await deps.states.getMany(chunk.map(({ rule, group }) => ({ rule: rule.pk, group })));
    const results = await Promise.all(
      chunk.map((group) => countGroup(deps, group, read.get(`${group.rule.pk}#${group.group}`) ?? null)),
    );
    results.forEach((groupFires, j) => {
      for (const fire of groupFires) fires.push({ rule: (chunk[j] as GroupWork).rule.pk, fire });
    });
  }
  if (fires.length > 0) deps.log.info('detection rules fired', { fires: fires.length });
  return { fires };
}
