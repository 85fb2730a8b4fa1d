// authentik's event list: GET /events/events/ (a page of the selected events, newest or oldest
// first) and GET /events/events/actions/ (the actions it knows).
import { defaultPageSize, type Page, pageFrom, pageNumber } from '../pagination.ts';
import { actionDisplayName } from './actions.ts';
import type { Event } from './event.ts';
import type { EventListQuery } from './event-list-query.ts';
import type { EventLog } from './event-log.ts';
import { eventSelection, findSelected } from './selection.ts';

export interface ListedEvents {
  page: Page<Event>;
  estimated: boolean;
}

export async function listEvents(log: EventLog, query: EventListQuery, nowMs = Date.now()): Promise<ListedEvents> {
  const size = query.page_size ?? defaultPageSize;
  const page = pageNumber(query.page);
  const selection = await eventSelection(log, query, nowMs);
  const order = query.ordering === 'created' ? 'oldest' : 'newest';
  const found = await findSelected(log, selection, { order, offset: (page - 1) * size, limit: size });
  return { page: pageFrom(found.events, found.count, page, size), estimated: found.estimated };
}

export const actionList = (actions: readonly string[]) =>
  actions.map((action) => ({ name: actionDisplayName(action), description: '', component: action, model_name: '' }));
