import { eventListQuery, listEvents } from '../lib/events/search.ts';
import { eventShape, pageShape } from '../lib/events/views.ts';
import { eventStore } from '../lib/store/events.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/',
  {
    query: eventListQuery,
    errors: ['page.invalid'],
    response: { status: 200, body: pageShape(eventShape), description: 'A page of events, newest first.' },
  },
  async ({ query }) => ({
    status: 200,
    body: await listEvents(eventStore, query),
  }),
);
