// Onegini's search by subject: GET /api/events?actor=&userId=&limit=&offset= (spec/onegini.md),
// the events of an actor, a person or both, newest first, as Onegini's EventInfo.
import * as z from 'zod';
import { valueAtPath } from '../own-keys.ts';
import { actionDisplayName } from './actions.ts';
import { type Event, eventActor, eventPerson } from './event.ts';
import type { EventLog } from './event-log.ts';
import { findBySelective, latest } from './selection.ts';
import { actorPersonTerm, type Term } from './terms.ts';
import type { eventInfoShape } from './views.ts';

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
    user_agent: text(context.user_agent) ?? text(valueAtPath(context, ['http_request', 'user_agent'])),
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
  const check = (event: Event) =>
    (search.actor === undefined || eventActor(event) === search.actor) &&
    (search.person === undefined || eventPerson(event) === search.person);
  const found = await findBySelective(
    log,
    { filters, check, indexed: true },
    { range: { from: 0, to: latest(nowMs) }, order: 'newest', offset: search.offset, limit: search.limit },
  );
  return {
    body: {
      resultSet: found.events.map(eventInfo),
      pagination: { offset: search.offset, pageSize: search.limit, totalResults: found.count },
    },
    estimated: found.estimated,
  };
}
