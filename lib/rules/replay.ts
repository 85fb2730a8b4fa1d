// `POST /rules/{uuid}/test/`: replays stored history through a rule. The events its query
// matches in the range are read as the event list reads a `search` (one page of the read
// budget, oldest first) and evaluated by the code the live path will run (evaluate.ts).
import { DomainError, invalid } from '../errors.ts';
import type { EventListQuery } from '../events/event-list-query.ts';
import type { EventLog, TimeRange } from '../events/event-log.ts';
import { eventSelection, findSelected } from '../events/selection.ts';
import { evaluateRule, isRuleCaused } from './evaluate.ts';
import { canonicalJson } from './event-path.ts';
import type { DetectionRule, RuleFire, RuleTestInput, RuleTestView } from './rule.ts';
import { existingRule, type RuleStore } from './rules.ts';

export interface RuleReplayDeps {
  rules: Pick<RuleStore, 'get'>;
  log: EventLog;
  /** Events one request may read (docs/data-model.md): the most a replay evaluates. */
  readBudget: number;
}

/** The longest range one replay covers. */
export const maxReplayMs = 7 * 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** The range replayed: as given, by default the last window×10 (at most 7 days) up to now. */
export function replayRange(rule: Pick<DetectionRule, 'window'>, input: RuleTestInput, nowMs: number): TimeRange {
  const to = input.created__lt?.getTime() ?? nowMs;
  const from = input.created__gte?.getTime() ?? to - Math.min(rule.window * 10_000, maxReplayMs);
  if (from >= to) throw invalid('created__lt', 'Ensure created__lt is after created__gte.');
  if (to - from > maxReplayMs) {
    throw invalid('created__gte', 'Ensure the range spans at most 7 days: narrow created__gte/created__lt.');
  }
  return { from, to };
}

const tooMany = (budget: number) =>
  invalid(
    'created__gte',
    `More events match the rule's query in this range than one test may read (${budget}): narrow created__gte/created__lt.`,
  );

/** The events the rule's query matches in the range, all of them or a 400. */
async function matchingEvents(deps: RuleReplayDeps, rule: DetectionRule, range: TimeRange, nowMs: number) {
  const query: EventListQuery = {
    search: rule.query,
    created__gte: new Date(range.from),
    created__lt: new Date(range.to),
  };
  try {
    const selection = await eventSelection(deps.log, query, nowMs);
    const found = await findSelected(deps.log, selection, { order: 'oldest', offset: 0, limit: deps.readBudget });
    if (found.estimated || found.events.length < found.count) throw tooMany(deps.readBudget);
    return found.events;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'page.tooDeep') throw tooMany(deps.readBudget);
    // The query names more values than one request may look up (the list's `search` bound).
    const search = error.issues.find((issue) => issue.field === 'search');
    if (search) throw invalid('query', search.message);
    throw error;
  }
}

/** The groups that fired, in the order of their first fire, with each fire's count and time. */
function groupsOf(fires: readonly RuleFire[]): RuleTestView['groups'] {
  const groups = new Map<string, RuleTestView['groups'][number]>();
  for (const fire of fires) {
    const key = canonicalJson(Object.values(fire.group));
    const group = groups.get(key) ?? { group: fire.group, counts: [], fired_at: [] };
    group.counts.push(fire.count);
    group.fired_at.push(fire.window_end);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * What the rule would have fired over the range: the range starts empty (no event before
 * `created__gte` counts, as for a rule created then); a disabled rule is replayed too.
 */
export async function replayRule(
  deps: RuleReplayDeps,
  uuid: string,
  input: RuleTestInput,
  nowMs = Date.now(),
): Promise<RuleTestView> {
  const rule = await existingRule(deps, uuid);
  const range = replayRange(rule, input, nowMs);
  const events = await matchingEvents(deps, rule, range, nowMs);
  const fires = evaluateRule(rule, events);
  return {
    created__gte: iso(range.from),
    created__lt: iso(range.to),
    matched: events.filter((event) => !isRuleCaused(event)).length,
    fires,
    groups: groupsOf(fires),
  };
}
