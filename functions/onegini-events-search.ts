import { searchEventsBySubject, subjectSearchQuery } from '../lib/events/search.ts';
import { eventStore } from '../lib/store/events.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /api/events', { query: subjectSearchQuery }, async ({ query }) => ({
  status: 200,
  body: await searchEventsBySubject(eventStore, query),
}));
