// authentik 2026.8's event analytics: volume/, stats/ and top_per_user/ (docs/data-model.md,
// "Analytics"). Counts and distinct users come from what the seal keeps (rollups and user
// sketches); what it does not keep (the unsealed tail, a cut first minute, filters no rollup
// answers) is read as events through the event log, within the read budget.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { dayMs, minuteMs } from '../time-units.ts';
import type { Event } from './event.ts';
import { eventListQuery } from './event-list-query.ts';
import type { EventLog, TimeRange } from './event-log.ts';
import { type EventSelection, eventSelection, findSelected, maxPartitionsPerRequest } from './selection.ts';
import type { Term } from './terms.ts';
import { timedeltaMs } from './timedelta.ts';
import { UserSketch, userHash, userKey } from './user-sketch.ts';

// ---- The port: what the seal keeps, as the analytics read it (lib/store/analytics.ts) ----

/** One thing the seal tallies: a term, or an action with one authorized application (by pk). */
export type Tallied = Term | { readonly kind: 'action_app'; readonly action: string; readonly app: string };

/** Actions one request expands from the range's months: each costs its rollups' two Queries (issue 25 item 2). */
const maxExpandedActions = 64;
/** Applications top_per_user/ expands: each is a pair counted and sketched from its rollups (~30 Queries; 32 answer within 1 s locally). */
const maxExpandedApps = 32;

/** The index partitions counting these groups reads past the rollups (a pair is read through its action). */
const partitionsOf = (log: EventLog, groups: readonly TallyGroup[]) =>
  groups.reduce(
    (sum, group) =>
      sum +
      log.partitionsOf(
        group.of.map(
          (tallied): Term => (tallied.kind === 'action_app' ? { kind: 'action', value: tallied.action } : tallied),
        ),
      ),
    0,
  );

/**
 * The kinds whose users the seal sketches: the only groups `stats/` and `top_per_user/` read
 * from the rollups (every other filter is read through the event log). Each sketched partition
 * costs the seal a read and a write per day and month in every minute it has events, so the
 * numerous kinds (client IPs, models, devices, actors) are not sketched.
 */
export const usersSketched: ReadonlySet<Tallied['kind']> = new Set(['all', 'action', 'authorized_app', 'action_app']);

/** Tallied things counted together (a union: different actions never share an event). */
export interface TallyGroup {
  readonly label: string;
  readonly of: readonly Tallied[];
}

export interface Tallies {
  /** Where sealed data ends (ms): the rollups and sketches cover what is before. */
  sealedEnd(): Promise<number>;
  /** Live sealed events of each group in a minute-aligned range, per step (the step's start). */
  stepCounts(
    groups: readonly TallyGroup[],
    range: TimeRange,
    step: (ms: number) => number,
    nowMs: number,
  ): Promise<{ counts: Map<string, Map<number, number>>; estimated: boolean }>;
  /** Distinct users of each group's sealed events in a range (whole days; a cut day is estimated). */
  users(
    groups: readonly TallyGroup[],
    range: TimeRange,
    nowMs: number,
  ): Promise<{ users: Map<string, UserSketch>; estimated: boolean }>;
  /** The actions with events in the months a range touches; null when more than `atMost`. */
  actionsOf(range: TimeRange, atMost: number): Promise<string[] | null>;
  /** The applications sealed events of an action were authorized for (pk → object); null when more than `atMost`. */
  appsOf(action: string, atMost: number): Promise<Map<string, Record<string, unknown>> | null>;
}

export interface AnalyticsDeps {
  log: EventLog;
  tallies: Tallies;
  /** Events one request may read (EVENT_READ_BUDGET). */
  readBudget: number;
}

// ---- Parameters ----

/** DRF's IntegerField: optional sign, digits, `.0…` allowed; whitespace around it is trimmed. */
function drfInteger(field: string) {
  return z
    .string()
    .transform((text, context) => {
      const trimmed = text.trim();
      if (trimmed.length > 1000) {
        context.addIssue({ code: 'custom', message: 'String value too large.' });
        return z.NEVER;
      }
      if (!/^-?\d+(\.0*)?$/.test(trimmed)) {
        context.addIssue({ code: 'custom', message: 'A valid integer is required.' });
        return z.NEVER;
      }
      return Number.parseInt(trimmed, 10);
    })
    .meta({ description: field });
}

/** Steps one `stats/` request may name (authentik's console names two). */
export const maxCountSteps = 10;

const countSteps = z
  .string({ error: (issue) => (issue.input === undefined ? 'This field is required.' : undefined) })
  // API Gateway joins a repeated parameter with commas (authentik's client repeats it).
  .transform((text) => text.split(','))
  .superRefine((steps, context) => {
    // Each step is a count of its own (issue 25 item 3): their number bounds the request's work.
    if (steps.length > maxCountSteps) {
      context.addIssue({ code: 'custom', message: `Ensure this field has no more than ${maxCountSteps} elements.` });
      return;
    }
    for (const step of steps) {
      if (step === '') context.addIssue({ code: 'custom', message: 'This field may not be blank.' });
      else if (timedeltaMs(step) === null)
        context.addIssue({ code: 'custom', message: `${step} is not in the correct format of 'hours=3;minutes=1'.` });
    }
  })
  .meta({
    description:
      "Timedelta, format of 'weeks=3;days=2;hours=3', repeatable (`count_steps=hours=24&count_steps=days=7`)",
  });

export const volumeQuery = eventListQuery.extend({
  history_days: drfInteger('Days back from now, at most 60 (default 7).').optional(),
});
export const statsQuery = eventListQuery.extend({ count_steps: countSteps });
export const topPerUserQuery = eventListQuery.extend({
  top_n: drfInteger('How many applications (default 15).')
    .refine((n) => n >= 0, { error: 'Ensure this value is greater than or equal to 0.' })
    .optional(),
});

export type VolumeQuery = z.infer<typeof volumeQuery>;
export type StatsQuery = z.infer<typeof statsQuery>;
export type TopPerUserQuery = z.infer<typeof topPerUserQuery>;

// ---- Answers ----

export const volumeShape = z.array(
  z.object({ action: z.string(), time: z.string().meta({ format: 'date-time' }), count: z.number().int() }),
);
export const statsShape = z.object({
  unique_users: z.number().int(),
  count_step: z.record(z.string(), z.number().int()),
});
export const topPerUserShape = z.array(
  z.object({
    application: z.record(z.string(), z.unknown()),
    counted_events: z.number().int(),
    unique_users: z.number().int(),
  }),
);

export interface Answer<T> {
  body: T;
  /** Some figure is an estimate (a sketch, or more reads than one request may make). */
  estimated: boolean;
}

// ---- How a selection maps onto what the seal tallies ----

const sixHoursMs = 6 * 3_600_000;
const ceilMinute = (ms: number) => Math.ceil(ms / minuteMs) * minuteMs;

/** The actions and the one application a selection is limited to, when the indexes say all of it. */
interface TallyShape {
  /** null: any action. */
  actions: string[] | null;
  /** null: any application. */
  app: string | null;
  /** Another single filter (stats and volume's count only): its terms. */
  other: Term[] | null;
}

function tallyShape(selection: EventSelection): TallyShape | null {
  if (!selection.indexed) return null;
  let actions: string[] | null = null;
  let app: string | null | undefined = null;
  const others: Term[][] = [];
  for (const filter of selection.filters) {
    const kinds = new Set(filter.map((term) => term.kind));
    if (filter.length === 0) return { actions: [], app: null, other: null };
    if (kinds.size === 1 && kinds.has('action')) {
      const values = filter.map((term) => term.value);
      actions = actions === null ? values : actions.filter((action) => values.includes(action));
    } else if (kinds.size === 1 && kinds.has('authorized_app') && filter.length === 1) {
      const value = (filter[0] as Term).value;
      app = app === null || app === value ? value : undefined;
    } else others.push(filter);
  }
  if (app === undefined) return { actions: [], app: null, other: null };
  if (others.length > 1 || (others.length === 1 && (actions !== null || app !== null))) return null;
  return { actions, app, other: others[0] ?? null };
}

/** The events of a selection in a range, read through the event log; `complete` when all of them were. */
async function readSelected(deps: AnalyticsDeps, selection: EventSelection, range: TimeRange) {
  const from = Math.max(range.from, selection.range.from);
  const to = Math.min(range.to, selection.range.to);
  if (from >= to) return { events: [] as Event[], complete: true };
  try {
    const found = await findSelected(
      deps.log,
      { ...selection, range: { from, to } },
      { order: 'newest', offset: 0, limit: deps.readBudget },
    );
    return { events: found.events, complete: !found.estimated && found.events.length >= found.count };
  } catch (error) {
    // Nothing matched within the budget: what was read is all there is to say.
    if (error instanceof DomainError && error.code === 'page.tooDeep')
      return { events: [] as Event[], complete: false };
    throw error;
  }
}

/** The range's edges that rollups cannot answer: a cut first minute and the unsealed tail. */
function edgesOf(range: TimeRange, sealedEnd: number): { inner: TimeRange; outer: TimeRange[] } {
  const innerFrom = Math.min(ceilMinute(range.from), range.to);
  const innerTo = Math.max(innerFrom, Math.min(range.to, sealedEnd));
  return {
    inner: { from: innerFrom, to: innerTo },
    outer: [
      { from: range.from, to: innerFrom },
      { from: innerTo, to: range.to },
    ].filter((part) => part.from < part.to),
  };
}

const appOf = (event: Event): Record<string, unknown> | undefined => {
  const app = (event.context as Record<string, unknown>).authorized_application;
  return app !== null && typeof app === 'object' && !Array.isArray(app) ? (app as Record<string, unknown>) : undefined;
};
const appPkOf = (event: Event): string | undefined => {
  const pk = appOf(event)?.pk;
  return typeof pk === 'string' || typeof pk === 'number' || typeof pk === 'boolean' ? String(pk) : undefined;
};

/**
 * Groups per action (or action × app) for a shape: the filter's actions, or those with events in
 * the range's months; null past the bound of one request (made-up actions: read the events instead).
 */
async function actionGroups(deps: AnalyticsDeps, shape: TallyShape, range: TimeRange): Promise<TallyGroup[] | null> {
  const actions = shape.actions ?? (await deps.tallies.actionsOf(range, maxExpandedActions));
  if (actions === null) return null;
  return actions.map((action) => ({
    label: action,
    of: [shape.app === null ? { kind: 'action', value: action } : { kind: 'action_app', action, app: shape.app }],
  }));
}

/** The one group of a whole selection (its count and users), or null when no tally answers it. */
async function selectionGroup(deps: AnalyticsDeps, shape: TallyShape): Promise<TallyGroup> {
  if (shape.other) return { label: '', of: shape.other };
  if (shape.actions === null && shape.app === null) return { label: '', of: [{ kind: 'all', value: '' }] };
  if (shape.actions === null) return { label: '', of: [{ kind: 'authorized_app', value: shape.app as string }] };
  // The filter's actions: bounded by the terms of one request.
  const groups = (await actionGroups(deps, shape, { from: 0, to: 0 })) as TallyGroup[];
  return { label: '', of: groups.flatMap((group) => group.of) };
}

/** One analytics request: what it reads through, the selection it answers for, its clock. */
interface AnalyticsRequest {
  readonly deps: AnalyticsDeps;
  readonly selection: EventSelection;
  readonly nowMs: number;
}

/** The groups an answer is split by, and the label of an event read (undefined: in none). */
interface Grouping<Groups> {
  readonly groups: Groups;
  readonly labelOf: (event: Event) => string | undefined;
}

/** Counts per group per step: rollups inside, events read at the edges. */
async function countsPerStep(
  { deps, selection, nowMs }: AnalyticsRequest,
  { groups, labelOf }: Grouping<readonly TallyGroup[]>,
  range: TimeRange,
  step: (ms: number) => number,
) {
  const { inner, outer } = edgesOf(range, await deps.tallies.sealedEnd());
  const { counts, estimated } = await deps.tallies.stepCounts(groups, inner, step, nowMs);
  let complete = true;
  const terms = groups.map((group) => group.of.filter((tallied): tallied is Term => tallied.kind !== 'action_app'));
  if (terms.every((of, i) => of.length === (groups[i] as TallyGroup).of.length)) {
    // Groups of terms: the edges are counted by the event log (the live log keeps the unsealed minutes).
    const found = await edgeCounts(
      deps.log,
      groups.map((group, i) => ({ label: group.label, terms: terms[i] as Term[] })),
      outer,
      step,
    );
    if (found) {
      for (const { label, at, count } of found.counts) {
        const perStep = counts.get(label) ?? new Map<number, number>();
        counts.set(label, perStep);
        perStep.set(at, (perStep.get(at) ?? 0) + count);
      }
      return { counts, estimated: estimated || found.estimated };
    }
  }
  // Past the partitions one request reads (many groups, events over many steps of a long unsealed
  // stretch), the edges' events are read within the budget.
  for (const part of outer) {
    const read = await readSelected(deps, selection, part);
    complete &&= read.complete;
    for (const event of read.events) {
      const label = labelOf(event);
      if (label === undefined) continue;
      const perStep = counts.get(label) ?? new Map<number, number>();
      counts.set(label, perStep);
      const at = step(Date.parse(event.created));
      perStep.set(at, (perStep.get(at) ?? 0) + 1);
    }
  }
  // `holes`: some edge was read only in part (volume/ refuses a series with holes).
  return { counts, estimated: estimated || !complete, holes: !complete };
}

/** Partitions the edge counts of one request may read in all (their rounds run one after another). */
const edgePartitions = 2 * maxPartitionsPerRequest;

/**
 * The edges' counts per group and step through the event log: each edge counted whole, then a
 * stretch holding events over several steps peeled from its newest step (what is unsealed is
 * recent): the newest step counted, the rest is the difference, until nothing is left. When the
 * seal keeps up that is one or two counts per group and edge. Null past `edgePartitions`.
 */
async function edgeCounts(
  log: EventLog,
  groups: readonly { label: string; terms: readonly Term[] }[],
  outer: readonly TimeRange[],
  step: (ms: number) => number,
) {
  type Stretch = { readonly label: string; readonly terms: readonly Term[]; readonly range: TimeRange };
  const counts: { label: string; at: number; count: number }[] = [];
  let estimated = false;
  let spent = 0;
  /** Counts the stretches side by side, or null past the partitions of one request. */
  const countAll = async (stretches: readonly Stretch[]) => {
    spent += stretches.reduce((sum, stretch) => sum + log.partitionsOf(stretch.terms), 0);
    if (spent > edgePartitions) return null;
    const found = await Promise.all(stretches.map((stretch) => log.count(stretch.terms, stretch.range)));
    estimated ||= found.some((one) => one.estimated);
    return found.map((one) => one.count);
  };
  const edges = outer.flatMap((range) => groups.map((group) => ({ ...group, range })));
  const whole = await countAll(edges);
  if (!whole) return null;
  let left = edges.map((stretch, i) => ({ ...stretch, count: whole[i] as number }));
  while (left.length > 0) {
    const peeled: { rest: Stretch; newest: Stretch; count: number }[] = [];
    for (const stretch of left) {
      if (stretch.count === 0) continue;
      const parts = splitAtSteps(stretch.range, step);
      const newest = parts.at(-1) as TimeRange;
      if (parts.length === 1) counts.push({ label: stretch.label, at: step(newest.from), count: stretch.count });
      else {
        const rest = { ...stretch, range: { from: stretch.range.from, to: newest.from } };
        peeled.push({ rest, newest: { ...stretch, range: newest }, count: stretch.count });
      }
    }
    const newest = await countAll(peeled.map((one) => one.newest));
    if (!newest) return null;
    left = [];
    for (const [i, one] of peeled.entries()) {
      const count = newest[i] as number;
      if (count > 0) counts.push({ label: one.newest.label, at: step(one.newest.range.from), count });
      left.push({ ...one.rest, count: Math.max(0, one.count - count) });
    }
  }
  return { counts, estimated };
}

/** A range cut where the step changes (steps grow with time), so that each part lies in one step. */
function splitAtSteps(range: TimeRange, step: (ms: number) => number): TimeRange[] {
  const parts: TimeRange[] = [];
  let from = range.from;
  while (from < range.to) {
    // The first ms of the next step, by bisection: the step of `from` holds [from, low).
    let low = from + 1;
    let high = range.to;
    if (step(high - 1) === step(from)) low = high;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (step(mid) === step(from)) low = mid + 1;
      else high = mid;
    }
    parts.push({ from, to: low });
    from = low;
  }
  return parts;
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Steps of six hours from UTC midnight, as authentik's TruncHour(created) − (hour % 6) hours. */
const sixHours = (ms: number) => Math.floor(ms / sixHoursMs) * sixHoursMs;

// ---- GET /events/events/volume/ ----

const tooManyReads = (field: string, narrow: string) => {
  const message = `This needs more reads than one request may make: ${narrow}.`;
  return new DomainError('page.tooDeep', message, [{ field, message }]);
};

export async function eventVolume(deps: AnalyticsDeps, query: VolumeQuery, nowMs = Date.now()) {
  const selection = await eventSelection(deps.log, query, nowMs);
  const days = Math.min(query.history_days ?? 7, 60);
  const range = { from: Math.max(selection.range.from, nowMs - days * dayMs), to: selection.range.to };
  const shape = tallyShape(selection);
  let counts: Map<string, Map<number, number>>;
  let estimated = false;
  const groups = shape && shape.other === null ? await actionGroups(deps, shape, range) : null;
  if (shape && groups) {
    const wanted = new Set(groups.map((group) => group.label));
    const labelOf = (event: Event) => (shape.actions === null || wanted.has(event.action) ? event.action : undefined);
    const request = { deps, selection, nowMs };
    const found = await countsPerStep(request, { groups, labelOf }, range, sixHours);
    if ('holes' in found && found.holes)
      throw tooManyReads('history_days', 'narrow history_days or add a more selective filter');
    ({ counts, estimated } = found);
  } else {
    // No rollup splits this selection by action (or too many actions would): its events are read, all of them or none.
    const read = await readSelected(deps, selection, range);
    if (!read.complete) throw tooManyReads('history_days', 'narrow history_days or add a more selective filter');
    counts = new Map();
    for (const event of read.events) {
      const perStep = counts.get(event.action) ?? new Map<number, number>();
      counts.set(event.action, perStep);
      const at = sixHours(Date.parse(event.created));
      perStep.set(at, (perStep.get(at) ?? 0) + 1);
    }
  }
  const rows = [...counts].flatMap(([action, perStep]) =>
    [...perStep].filter(([, count]) => count > 0).map(([time, count]) => ({ action, time, count })),
  );
  rows.sort((a, b) => a.time - b.time || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  return { body: rows.map((row) => ({ ...row, time: isoSecond(row.time) })), estimated };
}

// ---- GET /events/events/stats/ ----

/** The key of a step in `count_step`: its text without `=` (authentik's client reads `hours24`). */
export const stepKey = (step: string) => step.replaceAll('=', '');

export async function eventStats(deps: AnalyticsDeps, query: StatsQuery, nowMs = Date.now()) {
  const selection = await eventSelection(deps.log, query, nowMs);
  const request = { deps, selection, nowMs };
  const shape = tallyShape(selection);
  const group = shape ? await selectionGroup(deps, shape) : null;
  // Every step counts every term, and unique_users reads them once more (the tail's users): their
  // product is what one request reads (issue 25 item 1).
  const partitions = group ? partitionsOf(deps.log, [group]) : selectionPartitions(deps.log, selection);
  const work = partitions * (query.count_steps.length + 1);
  if (work > maxPartitionsPerRequest) {
    const message = `${query.count_steps.length} steps and the users × ${partitions} index partitions are ${work} partition reads; one request may make at most ${maxPartitionsPerRequest}: ask for fewer steps or values.`;
    throw new DomainError('input.invalid', message, [{ field: 'count_steps', message }]);
  }
  const sketched = group?.of.every((tallied) => usersSketched.has(tallied.kind));
  const inGroup = () => '';
  let estimated = false;
  // The steps are counted side by side: each reads apart, so one request's time is its longest step.
  const counted = await Promise.all(
    query.count_steps.map(async (step) => {
      const range = {
        // Created to the millisecond: a step of a fraction of one starts at the next whole one.
        from: Math.max(selection.range.from, Math.ceil(nowMs - (timedeltaMs(step) as number))),
        to: selection.range.to,
      };
      if (!group) return countSelected(deps, selection, range);
      const found = await countsPerStep(request, { groups: [group], labelOf: inGroup }, range, () => 0);
      return { count: found.counts.get('')?.get(0) ?? 0, estimated: found.estimated };
    }),
  );
  const countStep: Record<string, number> = {};
  for (const [i, step] of query.count_steps.entries()) {
    const found = counted[i] as { count: number; estimated: boolean };
    countStep[stepKey(step)] = found.count;
    estimated ||= found.estimated;
  }
  const users = await usersOf(request, { groups: group && sketched ? [group] : null, labelOf: inGroup });
  estimated ||= users.estimated;
  return { body: { unique_users: users.users.get('')?.count ?? 0, count_step: countStep }, estimated };
}

/** The partitions a count of the selection reads: each filter's (the list counts them all), or the timeline's. */
function selectionPartitions(log: EventLog, selection: EventSelection) {
  if (selection.filters.length === 0) return log.partitionsOf([{ kind: 'all', value: '' }]);
  return selection.filters.reduce((sum, filter) => sum + log.partitionsOf(filter), 0);
}

/** A count as the list counts (its estimate past the budget). */
async function countSelected(deps: AnalyticsDeps, selection: EventSelection, range: TimeRange) {
  if (range.from >= range.to) return { count: 0, estimated: false };
  try {
    const found = await findSelected(deps.log, { ...selection, range }, { order: 'newest', offset: 0, limit: 1 });
    return { count: found.count, estimated: found.estimated };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'page.tooDeep') return { count: 0, estimated: true };
    throw error;
  }
}

/** Distinct users per group: sketches of sealed days, the rest read; without groups, all read. */
async function usersOf(
  { deps, selection, nowMs }: AnalyticsRequest,
  { groups, labelOf }: Grouping<readonly TallyGroup[] | null>,
) {
  const range = selection.range;
  let users = new Map<string, UserSketch>();
  let estimated = false;
  let unread = [range];
  if (groups) {
    const sealedEnd = await deps.tallies.sealedEnd();
    const sealed = { from: range.from, to: Math.max(range.from, Math.min(range.to, sealedEnd)) };
    ({ users, estimated } = await deps.tallies.users(groups, sealed, nowMs));
    unread = [{ from: sealed.to, to: range.to }];
  }
  for (const part of unread) {
    const read = await readSelected(deps, selection, part);
    estimated ||= !read.complete;
    for (const event of read.events) {
      const label = labelOf(event);
      const key = userKey(event);
      if (label === undefined || key === undefined) continue;
      const sketch = users.get(label) ?? UserSketch.empty();
      users.set(label, sketch);
      sketch.add(userHash(key));
    }
  }
  for (const sketch of users.values()) estimated ||= !sketch.exact;
  return { users, estimated };
}

// ---- GET /events/events/top_per_user/ ----

export async function topPerUser(deps: AnalyticsDeps, query: TopPerUserQuery, nowMs = Date.now()) {
  // authentik filters `action` exactly here (default login), besides the list's substring filter.
  const action = query.action ?? 'login';
  const top = query.top_n ?? 15;
  const base = await eventSelection(deps.log, query, nowMs);
  const selection: EventSelection = {
    ...base,
    filters: [...base.filters, [{ kind: 'action', value: action }]],
    check: (event) => base.check(event) && event.action === action && appPkOf(event) !== undefined,
  };
  const shape = tallyShape(selection);
  const objects = new Map<string, Record<string, unknown>>();
  const counted = new Map<string, number>();
  let users = new Map<string, UserSketch>();
  let estimated = false;
  const labelOf = (event: Event) => {
    const pk = appPkOf(event);
    // An application first seen in what was read (the tail): the newest event's object.
    if (pk !== undefined && !objects.has(pk)) objects.set(pk, appOf(event) as Record<string, unknown>);
    return pk;
  };
  const tallied = shape && shape.other === null && (shape.actions ?? [action]).includes(action);
  const seen = tallied ? await deps.tallies.appsOf(action, maxExpandedApps) : null;
  if (shape && seen) {
    const request = { deps, selection, nowMs };
    const apps = shape.app === null ? seen : new Map([[shape.app, seen.get(shape.app) ?? { pk: shape.app }]]);
    for (const [pk, object] of apps) objects.set(pk, object);
    const groups = [...apps.keys()].map((app) => ({ label: app, of: [{ kind: 'action_app' as const, action, app }] }));
    const found = await countsPerStep(request, { groups, labelOf }, selection.range, () => 0);
    for (const [app, perStep] of found.counts) counted.set(app, perStep.get(0) ?? 0);
    const sketches = await usersOf(request, { groups, labelOf });
    users = sketches.users;
    estimated = found.estimated || sketches.estimated;
  } else if (!shape || shape.other !== null || tallied) {
    const read = await readSelected(deps, selection, selection.range);
    // More applications than one request may expand: exact from the events, or refused.
    if (tallied && !read.complete) throw tooManyReads('action', 'name an application or a shorter range');
    estimated = !read.complete;
    for (const event of read.events) {
      const pk = labelOf(event) as string;
      counted.set(pk, (counted.get(pk) ?? 0) + 1);
      const key = userKey(event);
      const sketch = users.get(pk) ?? UserSketch.empty();
      users.set(pk, sketch);
      if (key !== undefined) sketch.add(userHash(key));
    }
  }
  return { body: topRows({ counted, objects, users }, top), estimated };
}

/** The `top` applications by events counted (then by pk), each with its object and distinct users. */
function topRows(
  per: {
    counted: ReadonlyMap<string, number>;
    objects: ReadonlyMap<string, Record<string, unknown>>;
    users: ReadonlyMap<string, UserSketch>;
  },
  top: number,
) {
  return [...per.counted]
    .filter(([, count]) => count > 0)
    .map(([app, count]) => ({
      application: per.objects.get(app) ?? { pk: app },
      counted_events: count,
      unique_users: per.users.get(app)?.count ?? 0,
      app,
    }))
    .sort((a, b) => b.counted_events - a.counted_events || (a.app < b.app ? -1 : a.app > b.app ? 1 : 0))
    .slice(0, top)
    .map(({ app: _, ...row }) => row);
}
