// Finding events again: authentik's filtered, paginated list and Onegini's search by subject.
import * as z from 'zod';
import { invalid } from '../errors.ts';
import { parseNetwork } from '../net/ip.ts';
import { defaultPageSize, type Page, pageFrom, pageNumber, pageSizeParam } from '../pagination.ts';
import { compilePlainSearch, compileQuery, indexTerms, planSearch, type Query } from '../query/akql.ts';
import { actionDisplayName, eventActions, isEventAction } from './actions.ts';
import { type Event, eventActor, eventPerson, parseDrfDatetime } from './event.ts';
import { actorPersonTerm, allEvents, ipTerm, modelPkTerm, type Term } from './terms.ts';
import { uuid7Time } from './uuid7.ts';
import type { eventInfoShape } from './views.ts';

// ---- The port: how the event log is read (lib/store/event-log.ts implements it) ----

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
}

/**
 * Finds events by the most selective of several filters: each filter is a set of terms; the
 * set with the smallest count is read, and with more than one filter, `check` tests the rest.
 */
async function findBySelective(
  log: EventLog,
  filters: readonly (readonly Term[])[],
  query: Omit<EventLogQuery, 'terms' | 'check'>,
  check: (event: Event) => boolean,
  indexed: boolean,
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

// ---- authentik: GET /events/events/ ----

const optionalText = z.string().optional();
const dateFilter = z
  .string()
  .refine((v) => parseDrfDatetime(v) !== null, { error: 'Enter a valid date/time.' })
  .transform((v) => parseDrfDatetime(v) as Date)
  .optional();

const searchDescription = [
  "authentik's query language (AKQL, DjangoQL): `name op value` joined by `and`/`or`, with parentheses.",
  'Operators `= != > >= < <=`, `~`/`!~` (contains, any case), `startswith`, `endswith` and their `not` forms,',
  '`in (…)`, `not in (…)`; values are "strings", numbers, `True`, `False`, `None`.',
  'Fields: `action`, `app`, `event_uuid`, `client_ip`, `created` ("YYYY-MM-DD[ HH:MM[:SS]]" UTC, or ISO 8601),',
  'and keys of `user`, `brand`, `context` (`context.geo.country`).',
  '`and` and `or` have one precedence and group to the right, as in DjangoQL:',
  '`a and b or c` is `a and (b or c)`; use parentheses.',
  'Beyond authentik: `client_ip in cidr("10.0.0.0/8", "2001:db8::/32")` (also `not in cidr(…)`, and on JSON keys).',
  'A text that does not parse is searched plainly over the event id, user, action, app, context and client_ip,',
  'as authentik falls back; one that starts like a query (a field, then an operator) answers 400 naming the position.',
  'Top-level `and`ed terms on action, user.username, client_ip, event_uuid and a created range use the indexes;',
  'any other term is checked on every event read, within the read budget.',
].join(' ');

/** `search`: a query, or plain words; a query-shaped text that does not parse is refused. */
const searchParam = z
  .string()
  .superRefine((text, context) => {
    const plan = planSearch(text);
    if (plan.mode === 'plain' && plan.queryShaped) context.addIssue({ code: 'custom', message: plan.error.message });
  })
  .optional()
  .meta({ description: searchDescription });

/** Query of the event list; unknown parameters are ignored, as django-filter does. */
export const eventListQuery = z.object({
  page: optionalText,
  page_size: pageSizeParam,
  // A case-insensitive substring, as authentik's `icontains` (2026.8); empty is no filter.
  action: optionalText,
  // API Gateway joins a repeated parameter with commas.
  actions: z
    .string()
    .transform((v) => v.split(','))
    .refine((list) => list.every(isEventAction), {
      error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
    })
    .optional(),
  client_ip: z
    .string()
    .refine((v) => parseNetwork(v) !== null, { error: 'Enter a valid IPv4 or IPv6 address or network.' })
    .optional(),
  username: optionalText,
  context_model_pk: optionalText,
  context_model_name: optionalText,
  context_model_app: optionalText,
  context_authorized_app: optionalText,
  context_device: optionalText,
  brand_name: optionalText,
  created__gte: dateFilter,
  created__lt: dateFilter,
  ordering: optionalText,
  search: searchParam,
});

export type EventListQuery = z.infer<typeof eventListQuery>;

const path = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );

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

const latest = (nowMs: number) => nowMs + 60_000;

export interface ListedEvents {
  page: Page<Event>;
  estimated: boolean;
}

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
 * Index terms one request may read (issue 25 item 1): each is read on every shard (≤ 16) and
 * counted through its rollups and the live log's items, so their number bounds a request's work
 * (≤ 64 × 19 reads), not each parameter alone. authentik's own actions are fewer.
 */
export const maxTermsPerRequest = 64;

/** Refuses filters of more terms than a request may read, naming the parameter that brought them. */
function boundTerms(filters: readonly Term[][], parameter: string) {
  const terms = filters.reduce((sum, filter) => sum + filter.length, 0);
  if (terms > maxTermsPerRequest) {
    throw invalid(
      parameter,
      `This names ${terms} values to look up; one request may look up at most ${maxTermsPerRequest}: name fewer.`,
    );
  }
}

export async function eventSelection(log: EventLog, query: EventListQuery, nowMs: number): Promise<EventSelection> {
  const filters = await indexedFilters(log, query);
  if (query.action) boundTerms([filters[0] as Term[]], 'action');
  boundTerms(filters, query.actions !== undefined ? 'actions' : 'action');
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
  boundTerms(searched.filters, 'search');
  boundTerms([...filters, ...searched.filters], 'search');
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
) => findBySelective(log, selection.filters, { ...page, range: selection.range }, selection.check, selection.indexed);

export async function listEvents(log: EventLog, query: EventListQuery, nowMs = Date.now()): Promise<ListedEvents> {
  const size = query.page_size ?? defaultPageSize;
  const page = pageNumber(query.page);
  const selection = await eventSelection(log, query, nowMs);
  const order = query.ordering === 'created' ? 'oldest' : 'newest';
  const found = await findSelected(log, selection, { order, offset: (page - 1) * size, limit: size });
  return { page: pageFrom(found.events, found.count, page, size), estimated: found.estimated };
}

// ---- Onegini: GET /api/events ----

const baseTen = /^\d+$/;

/** The Onegini search query; checks run in the seed's order (4004, 4002, 4003). */
export const subjectSearchQuery = z
  .object({
    actor: z.string().optional(),
    userId: z.string().optional(),
    limit: z.string().optional(),
    offset: z.string().optional(),
  })
  .transform((query, ctx) => {
    const limit = query.limit !== undefined && baseTen.test(query.limit) ? Number(query.limit) : Number.NaN;
    const offset = query.offset !== undefined && baseTen.test(query.offset) ? Number(query.offset) : Number.NaN;
    if (!query.actor && !query.userId) {
      ctx.addIssue({ code: 'custom', path: ['actor'], message: 'Both user ID and actor ID are missing' });
    } else if (!(limit >= 1 && limit <= 1000)) {
      ctx.addIssue({ code: 'custom', path: ['limit'], message: 'Invalid limit (must be a number between 1 and 1000)' });
    } else if (!Number.isSafeInteger(offset)) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: 'Invalid offset (must be at least 0)' });
    }
    return { actor: query.actor || undefined, person: query.userId || undefined, limit, offset };
  });

export type SubjectSearch = z.infer<typeof subjectSearchQuery>;

/** An Onegini EventInfo as its contract has it (every field optional); `eventInfo` fills the five it always can. */
export type EventInfo = z.output<typeof eventInfoShape>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** How one stored event is shown to Onegini clients (spec/onegini.md). */
export function eventInfo(event: Event): EventInfo {
  const context = event.context;
  const info: EventInfo = {
    event_identifier: event.pk,
    person_id: eventPerson(event),
    occurred: Date.parse(event.created),
    event_type: text(context.event_type) ?? event.action,
    event_name: text(context.event_name) ?? actionDisplayName(event.action),
    client_ip: event.client_ip ?? undefined,
    user_agent: text(context.user_agent) ?? text(path(context, 'http_request', 'user_agent')),
    partition_id: text(context.partition_id) ?? text(event.brand.name) ?? 'default',
    event_agent_user: eventActor(event),
    reason: text(context.reason),
  };
  return JSON.parse(JSON.stringify(info)) as EventInfo; // drops the fields without a value
}

export async function searchEventsBySubject(log: EventLog, search: SubjectSearch, nowMs = Date.now()) {
  // Both together are one term of their own (counted and listed by the seal).
  const filters: Term[][] =
    search.actor !== undefined && search.person !== undefined
      ? [[actorPersonTerm(search.actor, search.person)]]
      : search.actor !== undefined
        ? [[{ kind: 'actor', value: search.actor }]]
        : [[{ kind: 'person', value: search.person as string }]];
  const found = await findBySelective(
    log,
    filters,
    { range: { from: 0, to: latest(nowMs) }, order: 'newest', offset: search.offset, limit: search.limit },
    (event) =>
      (search.actor === undefined || eventActor(event) === search.actor) &&
      (search.person === undefined || eventPerson(event) === search.person),
    true,
  );
  return {
    body: {
      resultSet: found.events.map(eventInfo),
      pagination: { offset: search.offset, pageSize: search.limit, totalResults: found.count },
    },
    estimated: found.estimated,
  };
}

// ---- authentik: GET /events/events/actions/ ----

export const actionList = (actions: readonly string[]) =>
  actions.map((action) => ({ name: actionDisplayName(action), description: '', component: action, model_name: '' }));
