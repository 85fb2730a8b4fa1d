import { eventListQuery, listEvents } from '../lib/events/search.ts';
import { eventStore } from '../lib/store/events.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /events/events/', { query: eventListQuery }, async ({ query }) => ({
  status: 200,
  body: await listEvents(eventStore, query),
}));
