// Which events a list query selects, and how they are read: its filters an index answers (each a
// set of terms), the check every event must pass, the created range; the most selective filter
// is read through the event log and the others checked on each event.
import { invalid } from '../errors.ts';
import { parseNetwork } from '../net/ip.ts';
import { valueAtPath } from '../own-keys.ts';
import { compilePlainSearch, compileQuery, indexTerms, planSearch, type Query } from '../query/akql.ts';
import { eventActions, isEventAction } from './actions.ts';
import { type Event, eventActor } from './event.ts';
import type { EventListQuery } from './event-list-query.ts';
import type { EventLog, EventLogQuery, FoundEvents, TimeRange } from './event-log.ts';
import { allEvents, ipTerm, modelPkTerm, type Term } from './terms.ts';
import { uuid7Time } from './uuid7.ts';

const path = (value: unknown, ...keys: string[]): unknown => valueAtPath(value, keys);

const same = (value: unknown, wanted: string) => value !== undefined && value !== null && String(value) === wanted;

function eventFilter(query: EventListQuery): (event: Event) => boolean {
  const network = query.client_ip === undefined ? null : parseNetwork(query.client_ip);
  const modelPk = query.context_model_pk?.replaceAll('-', '');
  const devicePk = query.context_device?.replaceAll('-', '');
  const action = query.action?.toLowerCase();
  return (event) =>
    (!action || event.action.toLowerCase().includes(action)) &&
    (query.actions === undefined || query.actions.includes(event.action)) &&
    (network === null || (event.client_ip !== null && network.contains(event.client_ip))) &&
    (query.username === undefined || eventActor(event) === query.username) &&
    (modelPk === undefined || String(path(event.context, 'model', 'pk') ?? '').replaceAll('-', '') === modelPk) &&
    (query.context_model_name === undefined ||
      same(path(event.context, 'model', 'model_name'), query.context_model_name)) &&
    (query.context_model_app === undefined || same(path(event.context, 'model', 'app'), query.context_model_app)) &&
    (devicePk === undefined || String(path(event.context, 'device', 'pk') ?? '').replaceAll('-', '') === devicePk) &&
    (query.context_authorized_app === undefined ||
      same(path(event.context, 'authorized_application', 'pk'), query.context_authorized_app)) &&
    (query.brand_name === undefined || same(event.brand.name, query.brand_name)) &&
    (query.created__gte === undefined || Date.parse(event.created) >= query.created__gte.getTime()) &&
    (query.created__lt === undefined || Date.parse(event.created) < query.created__lt.getTime());
}

/** The actions containing `text`, any case: every known one, every one sealed, and the text itself. */
async function actionsContaining(log: EventLog, text: string): Promise<Term[]> {
  const wanted = text.toLowerCase();
  const candidates = new Set([...eventActions, ...(await log.actionsSeen())]);
  if (isEventAction(text)) candidates.add(text);
  return [...candidates]
    .filter((action) => action.toLowerCase().includes(wanted) && isEventAction(action))
    .map((value) => ({ kind: 'action', value }));
}

/** The filters of a list query that an index answers, each as its set of terms. */
async function indexedFilters(log: EventLog, query: EventListQuery): Promise<Term[][]> {
  const filters: Term[][] = [];
  const one = (kind: Term['kind'], value: string | undefined) => {
    if (value !== undefined) filters.push([{ kind, value }]);
  };
  if (query.action) filters.push(await actionsContaining(log, query.action));
  if (query.actions !== undefined)
    filters.push([...new Set(query.actions)].map((value) => ({ kind: 'action', value })));
  one('actor', query.username);
  one('brand', query.brand_name);
  one('model_app', query.context_model_app);
  one('model_name', query.context_model_name);
  one('model_pk', query.context_model_pk === undefined ? undefined : modelPkTerm(query.context_model_pk));
  one('authorized_app', query.context_authorized_app);
  one('device', query.context_device === undefined ? undefined : modelPkTerm(query.context_device));
  one('client_ip', query.client_ip === undefined ? undefined : (singleAddress(query.client_ip) ?? undefined));
  return filters;
}

/** The address a `client_ip` filter names when it is one address (a /32 or /128 too), else null. */
function singleAddress(text: string): string | null {
  const [address = '', prefix] = text.trim().split('/');
  const full = address.includes(':') ? '128' : '32';
  return prefix === undefined || prefix === full ? ipTerm(address) : null;
}

/** The end of a range no `created` bound ends: a minute past now. */
export const latest = (nowMs: number) => nowMs + 60_000;

/**
 * The events a list query selects, as the event log reads them: the indexed filters (each a
 * set of terms), the check every event must pass, whether the indexes answer every filter, and
 * the created range. The list, and anything else taking the list's filters, reads through it.
 */
export interface EventSelection {
  readonly filters: Term[][];
  readonly check: (event: Event) => boolean;
  readonly indexed: boolean;
  readonly range: TimeRange;
}

/**
 * Index partitions one request may read (issue 25 item 1). A term is read on each of its shards
 * (an action on 16, a username, person or address on 8, a model or application on 4) and counted
 * through its rollups and the live log's items, so the partitions of its terms bound a
 * request's work, not the number of values it names: 128 is 8 actions or 16 usernames, which
 * DynamoDB Local answers within a second (bench `bounds`). analytics multiplies it by its steps.
 */
export const maxPartitionsPerRequest = 128;

/** Refuses filters reading more index partitions than a request may, naming the parameter that brought them. */
function boundTerms(log: EventLog, filters: readonly Term[][], parameter: string) {
  const terms = filters.reduce((sum, filter) => sum + filter.length, 0);
  const partitions = filters.reduce((sum, filter) => sum + log.partitionsOf(filter), 0);
  if (partitions > maxPartitionsPerRequest) {
    throw invalid(
      parameter,
      `This names ${terms} values to look up in ${partitions} index partitions; one request may read at most ${maxPartitionsPerRequest} (8 actions, 16 usernames or addresses): name fewer.`,
    );
  }
}

export async function eventSelection(log: EventLog, query: EventListQuery, nowMs: number): Promise<EventSelection> {
  const filters = await indexedFilters(log, query);
  if (query.action) boundTerms(log, [filters[0] as Term[]], 'action');
  boundTerms(log, filters, query.actions !== undefined ? 'actions' : 'action');
  const filter = eventFilter(query);
  const range = { from: query.created__gte?.getTime() ?? 0, to: query.created__lt?.getTime() ?? latest(nowMs) };
  const indexed = query.client_ip === undefined || singleAddress(query.client_ip) !== null;
  const plan = planSearch(query.search ?? '');
  if (plan.mode === 'all') return { filters, check: filter, indexed, range };
  if (plan.mode === 'plain') {
    if (plan.queryShaped) throw invalid('search', plan.error.message);
    const words = compilePlainSearch(query.search ?? '');
    return { filters, check: (event) => filter(event) && words(event), indexed: false, range };
  }
  const matches = compileQuery(plan.query);
  const searched = searchSelection(plan.query, range);
  boundTerms(log, searched.filters, 'search');
  boundTerms(log, [...filters, ...searched.filters], 'search');
  return {
    filters: [...filters, ...searched.filters],
    check: (event) => filter(event) && matches(event),
    indexed: indexed && searched.complete,
    range: searched.range,
  };
}

/**
 * What a query's index terms add to the selection: a filter per action, username and client IP
 * term, the range narrowed by `created` and by the time an event id carries (ids are UUIDv7 of
 * the event's creation), and whether the indexes answer the whole query. A filter with no terms
 * selects nothing.
 */
function searchSelection(query: Query, range: TimeRange) {
  const terms = indexTerms(query);
  const filters: Term[][] = [];
  // No stored event has an action that is none (ingest refuses it).
  if (terms.actions) filters.push(terms.actions.filter(isEventAction).map((value) => ({ kind: 'action', value })));
  if (terms.usernames) filters.push(terms.usernames.map((value) => ({ kind: 'actor', value })));
  if (terms.clientIps) filters.push(terms.clientIps.map((value) => ({ kind: 'client_ip', value: ipTerm(value) })));
  let { from, to } = range;
  if (terms.created?.from !== undefined) from = Math.max(from, terms.created.from);
  if (terms.created?.to !== undefined) to = Math.min(to, terms.created.to);
  if (terms.eventUuids) {
    const times = terms.eventUuids.map(uuid7Time).filter((time) => time !== null);
    if (times.length === 0) filters.push([]);
    else {
      from = Math.max(from, Math.min(...times));
      to = Math.min(to, Math.max(...times) + 1);
    }
  }
  if (from >= to) filters.push([]);
  // An event id narrows the range only: several events share a millisecond, so it stays checked.
  return { filters, range: { from, to }, complete: terms.complete && terms.eventUuids === undefined };
}

/** Finds a page of selected events (the most selective filter read, the rest checked). */
export const findSelected = (
  log: EventLog,
  selection: EventSelection,
  page: Omit<EventLogQuery, 'terms' | 'check' | 'range'>,
) => findBySelective(log, selection, { ...page, range: selection.range });

/** Filters to read by, each a set of terms; `check` tests every event; `indexed`: the filters are the whole selection. */
export interface Filtering {
  readonly filters: readonly (readonly Term[])[];
  readonly check: (event: Event) => boolean;
  readonly indexed: boolean;
}

/**
 * Finds events by the most selective of several filters: each filter is a set of terms; the
 * set with the smallest count is read, and with more than one filter, `check` tests the rest.
 */
export async function findBySelective(
  log: EventLog,
  { filters, check, indexed }: Filtering,
  query: Omit<EventLogQuery, 'terms' | 'check'>,
): Promise<FoundEvents> {
  if (filters.some((terms) => terms.length === 0)) return { events: [], count: 0, estimated: false };
  if (filters.length === 0) return log.find({ ...query, terms: [allEvents], ...(!indexed && { check }) });
  if (filters.length === 1 && indexed) return log.find({ ...query, terms: filters[0] as Term[] });
  const counts = await Promise.all(filters.map((terms) => log.count(terms, query.range)));
  let best = 0;
  counts.forEach((c, i) => {
    if (c.count < (counts[best] as { count: number }).count) best = i;
  });
  return log.find({ ...query, terms: filters[best] as Term[], check });
}
