// Finding events again: authentik's filtered, paginated list and Onegini's search by subject.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { parseNetwork } from '../net/ip.ts';
import type { EventStore } from '../store/events.ts';
import { actionDisplayName, isEventAction } from './actions.ts';
import { type Event, eventActor, eventPerson, parseDrfDatetime } from './event.ts';

// ---- authentik: GET /events/events/ ----

const optionalText = z.string().optional();
const dateFilter = z
  .string()
  .refine((v) => parseDrfDatetime(v) !== null, { error: 'Enter a valid date/time.' })
  .transform((v) => parseDrfDatetime(v) as Date)
  .optional();

/** DRF's `page_size`, 1 to 1000, for every authentik list. */
export const pageSizeParam = z
  .string()
  .regex(/^\d+$/, { error: 'A valid integer is required.' })
  .transform(Number)
  .refine((n) => n >= 1, { error: 'Ensure this value is greater than or equal to 1.' })
  .refine((n) => n <= 1000, { error: 'Ensure this value is less than or equal to 1000.' })
  .optional();

/** Query of the event list; unknown parameters are ignored, as django-filter does. */
export const eventListQuery = z.object({
  page: optionalText,
  page_size: pageSizeParam,
  action: z
    .string()
    .refine(isEventAction, {
      error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
    })
    .optional(),
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
  brand_name: optionalText,
  created__gte: dateFilter,
  created__lt: dateFilter,
  ordering: optionalText,
});

export type EventListQuery = z.infer<typeof eventListQuery>;

export interface Page<T> {
  pagination: {
    next: number;
    previous: number;
    count: number;
    current: number;
    total_pages: number;
    start_index: number;
    end_index: number;
  };
  results: T[];
}

export const defaultPageSize = 100;

/** Page `page` (1-based, as text from the query) of `items`; past the last page is 404. */
export function paginate<T>(items: readonly T[], pageText: string | undefined, pageSize: number): Page<T> {
  const page = pageText === undefined ? 1 : /^\d+$/.test(pageText) ? Number(pageText) : 0;
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  if (!Number.isSafeInteger(page) || page < 1 || page > totalPages)
    throw new DomainError('page.invalid', 'Invalid page.');
  const start = (page - 1) * pageSize;
  const results = items.slice(start, start + pageSize);
  return {
    pagination: {
      next: page < totalPages ? page + 1 : 0,
      previous: page > 1 ? page - 1 : 0,
      count: items.length,
      current: page,
      total_pages: totalPages,
      start_index: results.length === 0 ? 0 : start + 1,
      end_index: results.length === 0 ? 0 : start + results.length,
    },
    results,
  };
}

const path = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );

const same = (value: unknown, wanted: string) => value !== undefined && value !== null && String(value) === wanted;

function eventFilter(query: EventListQuery): (event: Event) => boolean {
  const network = query.client_ip === undefined ? null : parseNetwork(query.client_ip);
  const modelPk = query.context_model_pk?.replaceAll('-', '');
  return (event) =>
    (query.action === undefined || event.action === query.action) &&
    (query.actions === undefined || query.actions.includes(event.action)) &&
    (network === null || (event.client_ip !== null && network.contains(event.client_ip))) &&
    (query.username === undefined || eventActor(event) === query.username) &&
    (modelPk === undefined || String(path(event.context, 'model', 'pk') ?? '').replaceAll('-', '') === modelPk) &&
    (query.context_model_name === undefined ||
      same(path(event.context, 'model', 'model_name'), query.context_model_name)) &&
    (query.context_model_app === undefined || same(path(event.context, 'model', 'app'), query.context_model_app)) &&
    (query.context_authorized_app === undefined ||
      same(path(event.context, 'authorized_application', 'pk'), query.context_authorized_app)) &&
    (query.brand_name === undefined || same(event.brand.name, query.brand_name)) &&
    (query.created__gte === undefined || Date.parse(event.created) >= query.created__gte.getTime()) &&
    (query.created__lt === undefined || Date.parse(event.created) < query.created__lt.getTime());
}

export async function listEvents(store: EventStore, query: EventListQuery): Promise<Page<Event>> {
  const order = query.ordering === 'created' ? 'oldest' : 'newest';
  const matches = eventFilter(query);
  const found: Event[] = [];
  if (query.username !== undefined) {
    // An actor's events come from their index, not from every month partition.
    const events = await store.getByKeys(await store.keysOfSubject({ actor: query.username }));
    if (order === 'oldest') events.reverse();
    found.push(...events.filter(matches));
  } else {
    for await (const event of store.all(order)) if (matches(event)) found.push(event);
  }
  return paginate(found, query.page, query.page_size ?? defaultPageSize);
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

export interface EventInfo {
  event_identifier: string;
  person_id?: string;
  occurred: number;
  event_type: string;
  event_name: string;
  client_ip?: string;
  user_agent?: string;
  partition_id: string;
  event_agent_user?: string;
  reason?: string;
}

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

export async function searchEventsBySubject(store: EventStore, search: SubjectSearch) {
  const keys = await store.keysOfSubject(search);
  const events = await store.getByKeys(keys.slice(search.offset, search.offset + search.limit));
  return {
    resultSet: events.map(eventInfo),
    pagination: { offset: search.offset, pageSize: search.limit, totalResults: keys.length },
  };
}

// ---- authentik: GET /events/events/actions/ ----

export const actionList = (actions: readonly string[]) =>
  actions.map((action) => ({ name: actionDisplayName(action), description: '', component: action, model_name: '' }));
