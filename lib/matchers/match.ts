// Event matcher policy evaluation (authentik's EventMatcherPolicy.passes), shared by the
// test endpoint, the `matcher_policy` binding condition and dispatch.
import type { Event } from '../events/event.ts';
import { parseNetwork } from '../net/ip.ts';
import { compileQuery, type EventPredicate, parseQuery } from '../query/akql.ts';
import type { MatcherCriteria } from './policy.ts';

export interface MatchResult {
  passing: boolean;
  /** One message per criterion that held (ours: authentik also lists failed ones). */
  messages: string[];
}

/** Every `custom_…` action falls under the `custom_` choice (ours: prefix semantics). */
const customPrefix = 'custom_';

function actionHolds(wanted: string, actual: string): boolean {
  return wanted === customPrefix ? actual.startsWith(customPrefix) : wanted === actual;
}

function clientIpHolds(wanted: string, actual: string | null): boolean {
  if (actual === null || actual === undefined) return false;
  return parseNetwork(wanted)?.contains(actual) ?? false;
}

/** `context.model` as `<app_label>.<model_name>`, or undefined when the event names none. */
export function eventModel(event: Pick<Event, 'context'>): string | undefined {
  const model = event.context?.model;
  if (model === null || typeof model !== 'object' || Array.isArray(model)) return undefined;
  const { app, model_name: name } = model as Record<string, unknown>;
  return typeof app === 'string' && typeof name === 'string' ? `${app}.${name}` : undefined;
}

// Dispatch evaluates the same few queries for every event: each is parsed once per container.
// Bounded, so that the queries of deleted policies cannot grow it without end.
const compiledQueries = new Map<string, EventPredicate | null>();

/** The query as a predicate, or null when it does not parse (validation refuses such a query). */
export function queryPredicate(text: string): EventPredicate | null {
  let predicate = compiledQueries.get(text);
  if (predicate === undefined) {
    const parsed = parseQuery(text);
    predicate = parsed.ok ? compileQuery(parsed.query) : null;
    if (compiledQueries.size >= 1_000) compiledQueries.clear();
    compiledQueries.set(text, predicate);
  }
  return predicate;
}

const checks: {
  criterion: keyof MatcherCriteria;
  message: string;
  holds: (wanted: string, event: Event) => boolean;
}[] = [
  { criterion: 'action', message: 'Action matched.', holds: (w, e) => actionHolds(w, e.action) },
  { criterion: 'client_ip', message: 'Client IP matched.', holds: (w, e) => clientIpHolds(w, e.client_ip) },
  { criterion: 'app', message: 'App matched.', holds: (w, e) => w === e.app },
  { criterion: 'model', message: 'Model matched.', holds: (w, e) => w === eventModel(e) },
  { criterion: 'query', message: 'Query matched.', holds: (w, e) => queryPredicate(w)?.(e) === true },
];

/** AND over the criteria that are set; no criterion set passes (validation forbids that). */
export function matchEvent(criteria: MatcherCriteria, event: Event): MatchResult {
  let passing = true;
  const messages: string[] = [];
  for (const { criterion, message, holds } of checks) {
    const wanted = criteria[criterion];
    if (wanted === null || wanted === undefined) continue;
    if (holds(wanted, event)) messages.push(message);
    else passing = false;
  }
  return { passing, messages };
}
