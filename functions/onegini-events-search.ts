import { searchEventsBySubject, subjectSearchQuery } from '../lib/events/search.ts';
import { subjectSearchShape } from '../lib/events/views.ts';
import { eventStore } from '../lib/store/events.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /api/events',
  {
    query: subjectSearchQuery,
    response: { status: 200, body: subjectSearchShape, description: 'The events of an actor and/or person.' },
  },
  async ({ query }) => ({
    status: 200,
    body: await searchEventsBySubject(eventStore, query),
  }),
);
