// When a detection rule fires: the one evaluation the test/ replay and the live path
// (lib/rules/live.ts, a group's window saved between stream batches) run, fed one event at a
// time. Pure: no clock, no store; state per group.
//
// The semantics, exactly:
// - Counted: an event the rule's query matches, except those rules caused (action
//   `custom_threshold_exceeded` from app `idp-event-hub.rules`, whatever the query), and for
//   value_count only one whose `field` is not missing or null. Its group is the values at the
//   `group_by` paths (missing or JSON null: null); values are compared as canonical JSON.
// - Order: by `created`, then `pk`. An event older than the newest its group has seen (a late
//   one) is taken as happening at that newest time.
// - The window at a counted event created at t holds its group's counted events created in
//   (t − window, t] that came after the group's last fire: one exactly `window` seconds older has
//   left it. The count is their number (event_count) or their distinct `field` values (value_count).
// - Fire: at a counted event whose count reaches `threshold`, unless the group fired at f and
//   t < f + suppress_for (quiet). A fire consumes what it counted: "reaches again" means the
//   events after the last fire reach the threshold within a window. Events keep collecting while
//   the group is quiet, so the first counted event at or after f + suppress_for fires if those
//   since the fire, in its window, reach the threshold (a sustained attack fires once per
//   suppress_for; with suppress_for 0, once per `threshold` events).
import type { Event } from '../events/event.ts';
import { queryPredicate } from '../matchers/match.ts';
import { canonicalJson, type PathEvent, parseEventPath, valueAtEventPath } from './event-path.ts';
import type { DetectionRule, RuleFire } from './rule.ts';

/** What a fire of a rule records (issue 22 item 3): never counted by any rule. */
export const ruleFireAction = 'custom_threshold_exceeded';
export const ruleFireApp = 'idp-event-hub.rules';

export const isRuleCaused = (event: Pick<Event, 'action' | 'app'>) =>
  event.action === ruleFireAction && event.app === ruleFireApp;

/** Events a fire names as samples, at most. */
export const maxSampleEvents = 10;

/** What evaluation reads of a rule. */
export type RuleCounting = Pick<DetectionRule, 'query' | 'type' | 'field' | 'window' | 'threshold' | 'suppress_for'> & {
  readonly group_by: readonly string[];
};

/** An event as the evaluation reads it. */
export type RuleEvent = PathEvent & Pick<Event, 'pk' | 'created'>;

/** A counted event as a group's window keeps it: when (ms), which, and its value (value_count). */
export interface Entry {
  readonly at: number;
  readonly pk: string;
  readonly value: string;
}

/** What a group's window holds between batches (the live path stores it): oldest entry first. */
export interface GroupWindowState {
  readonly entries: readonly Entry[];
  /** The group's clock (ms), or null before its first event. */
  readonly newest: number | null;
  readonly lastFire: number | null;
}

/** Settings of a group's window, in ms. */
export interface WindowSettings {
  readonly distinct: boolean;
  readonly windowMs: number;
  readonly threshold: number;
  readonly suppressMs: number;
}

/** Entries a saved window keeps whatever the threshold (every counted event, up to this many). */
export const keptEntries = 32;
/** Entries a saved window keeps at most: a threshold above this never fires live. */
export const maxLiveEntries = 4_000;

/** What a group's fire says; the rule adds the group's values. */
export interface GroupFire {
  readonly at: number;
  readonly count: number;
  readonly first: string;
  readonly last: string;
  readonly samples: string[];
}

/** One group's window and quiet: takes its counted events in order, one at a time. */
export class GroupWindow {
  private entries: Entry[] = [];
  private head = 0;
  private readonly values = new Map<string, number>();
  /** The newest time seen (ms): the group's clock. */
  private newest = Number.NEGATIVE_INFINITY;
  /** When the group last fired (ms), or null. */
  private lastFire: number | null = null;

  constructor(
    private readonly settings: WindowSettings,
    saved?: GroupWindowState,
  ) {
    if (!saved) return;
    this.entries = [...saved.entries];
    this.newest = saved.newest ?? Number.NEGATIVE_INFINITY;
    this.lastFire = saved.lastFire;
    if (this.settings.distinct)
      for (const { value } of this.entries) this.values.set(value, (this.values.get(value) ?? 0) + 1);
  }

  /**
   * What to save: the entries still in the window at the group's clock. While they are at most
   * max(keptEntries, threshold), all of them (the next fire then reports what replay reports);
   * past that, only what decides the next fire exactly: the newest `threshold` (value_count: each
   * value's newest entry, the newest `threshold` values), at most maxLiveEntries. Only the count,
   * first event and samples of a fire after such a cut can differ from replay's (lower, newer).
   */
  state(): GroupWindowState {
    this.dropUpTo(this.newest - this.settings.windowMs);
    let kept = this.entries.slice(this.head);
    if (kept.length > Math.min(Math.max(keptEntries, this.settings.threshold), maxLiveEntries)) {
      if (this.settings.distinct) {
        // Each value's newest entry, oldest first.
        const seen = new Set<string>();
        const newestFirst: Entry[] = [];
        for (let i = kept.length - 1; i >= 0; i--) {
          const entry = kept[i] as Entry;
          if (seen.has(entry.value)) continue;
          seen.add(entry.value);
          newestFirst.push(entry);
        }
        kept = newestFirst.reverse();
      }
      kept = kept.slice(-Math.min(this.settings.threshold, maxLiveEntries));
    }
    return {
      entries: kept,
      newest: Number.isFinite(this.newest) ? this.newest : null,
      lastFire: this.lastFire,
    };
  }

  /** Counts one event (created at `at` ms; `value` the canonical value for value_count); a fire or null. */
  add(at: number, pk: string, value = ''): GroupFire | null {
    const t = Math.max(at, this.newest);
    this.newest = t;
    this.dropUpTo(t - this.settings.windowMs);
    this.entries.push({ at: t, pk, value });
    if (this.settings.distinct) this.values.set(value, (this.values.get(value) ?? 0) + 1);
    const count = this.count();
    if (count < this.settings.threshold || this.quietAt(t)) return null;
    const fire = { at: t, count, first: (this.entries[this.head] as Entry).pk, last: pk, samples: this.samples() };
    this.entries = [];
    this.head = 0;
    this.values.clear();
    this.lastFire = t;
    return fire;
  }

  /** Nothing counted in a window ending at `nowMs` and no quiet left: the group may be forgotten. */
  idleAt(nowMs: number): boolean {
    this.dropUpTo(nowMs - this.settings.windowMs);
    return this.head === this.entries.length && !this.quietAt(nowMs);
  }

  private quietAt(t: number): boolean {
    return this.lastFire !== null && t < this.lastFire + this.settings.suppressMs;
  }

  private count(): number {
    return this.settings.distinct ? this.values.size : this.entries.length - this.head;
  }

  /** Drops the entries created at or before `edge` (ms). */
  private dropUpTo(edge: number) {
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).at <= edge) {
      const { value } = this.entries[this.head] as Entry;
      this.head++;
      if (!this.settings.distinct) continue;
      const left = (this.values.get(value) ?? 0) - 1;
      if (left > 0) this.values.set(value, left);
      else this.values.delete(value);
    }
    // Keeps the array from growing without end: half of it dropped, the rest moved down.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** The oldest events counted, oldest first; for value_count the oldest of each value. */
  private samples(): string[] {
    const samples: string[] = [];
    const seen = new Set<string>();
    for (let i = this.head; i < this.entries.length && samples.length < maxSampleEvents; i++) {
      const entry = this.entries[i] as Entry;
      if (this.settings.distinct && seen.has(entry.value)) continue;
      seen.add(entry.value);
      samples.push(entry.pk);
    }
    return samples;
  }
}

// A stored rule's paths were checked when it was written.
const partsOf = (path: string): string[] => {
  const parsed = parseEventPath(path);
  return parsed.ok ? parsed.parts : path.split('.');
};

/** A counted event's group (its values, and their canonical JSON as the key) and its value. */
export interface Counted {
  readonly key: string;
  readonly values: unknown[];
  readonly value: string;
}

/** What a rule counts, compiled once: the window's settings, and each event's group or null. */
export interface RuleCounter {
  readonly settings: WindowSettings;
  counted(event: RuleEvent): Counted | null;
}

export function ruleCounter(rule: RuleCounting): RuleCounter {
  const predicate = queryPredicate(rule.query);
  const groupPaths = rule.group_by.map(partsOf);
  const fieldPath = rule.type === 'value_count' && rule.field !== null ? partsOf(rule.field) : null;
  const settings: WindowSettings = {
    distinct: rule.type === 'value_count',
    windowMs: rule.window * 1000,
    threshold: rule.threshold,
    suppressMs: rule.suppress_for * 1000,
  };
  return {
    settings,
    counted(event) {
      if (isRuleCaused(event) || predicate?.(event) !== true) return null;
      let value = '';
      if (settings.distinct) {
        const found = fieldPath === null ? null : valueAtEventPath(event, fieldPath);
        if (found === null) return null;
        value = canonicalJson(found);
      }
      const values = groupPaths.map((parts) => valueAtEventPath(event, parts));
      return { key: canonicalJson(values), values, value };
    },
  };
}

/** A group's fire as the rule reports it: the group's values by path, the window's times. */
export function ruleFireOf(
  rule: Pick<RuleCounting, 'group_by' | 'window'>,
  values: readonly unknown[],
  fire: GroupFire,
): RuleFire {
  return {
    group: Object.fromEntries(rule.group_by.map((path, i) => [path, values[i] ?? null])),
    count: fire.count,
    window_start: new Date(fire.at - rule.window * 1000).toISOString(),
    window_end: new Date(fire.at).toISOString(),
    first_event: fire.first,
    last_event: fire.last,
    sample_events: fire.samples,
  };
}

/** A rule's groups: takes events in order, one at a time, and says when the rule fires. */
export class RuleEvaluator {
  private readonly groups = new Map<string, { values: unknown[]; window: GroupWindow }>();
  private readonly counter: RuleCounter;

  constructor(private readonly rule: RuleCounting) {
    this.counter = ruleCounter(rule);
  }

  /** Counts the event if the rule counts it; the fire it causes, or null. */
  add(event: RuleEvent): RuleFire | null {
    const counted = this.counter.counted(event);
    if (counted === null) return null;
    let group = this.groups.get(counted.key);
    if (!group) {
      group = { values: counted.values, window: new GroupWindow(this.counter.settings) };
      this.groups.set(counted.key, group);
    }
    const fire = group.window.add(Date.parse(event.created), event.pk, counted.value);
    return fire && ruleFireOf(this.rule, group.values, fire);
  }

  /** Forgets the groups with nothing in a window ending at `nowMs` and no quiet left (bounds the memory). */
  sweep(nowMs: number): void {
    for (const [key, group] of this.groups) if (group.window.idleAt(nowMs)) this.groups.delete(key);
  }

  /** Groups held now. */
  get size(): number {
    return this.groups.size;
  }
}

/** Events in evaluation order: by `created`, then `pk`. */
export function inEvaluationOrder<T extends Pick<Event, 'created' | 'pk'>>(events: readonly T[]): T[] {
  const at = new Map(events.map((event) => [event, Date.parse(event.created)]));
  return [...events].sort(
    (a, b) => (at.get(a) as number) - (at.get(b) as number) || (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0),
  );
}

/** Every fire of the rule over these events (put in evaluation order first). */
export function evaluateRule(rule: RuleCounting, events: readonly RuleEvent[]): RuleFire[] {
  const evaluator = new RuleEvaluator(rule);
  const fires: RuleFire[] = [];
  for (const event of inEvaluationOrder(events)) {
    const fire = evaluator.add(event);
    if (fire) fires.push(fire);
  }
  return fires;
}
