import { listEvents } from '../lib/events/event-list.ts';
import { eventListQuery } from '../lib/events/event-list-query.ts';
import { eventShape, pageShape } from '../lib/events/views.ts';
import { eventLogReader } from './deps.ts';
import { estimatedCountHeader, estimatedHeaders } from './http/estimated-count.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/',
  {
    summary: 'List events, newest first',
    query: eventListQuery,
    errors: ['page.invalid', 'page.tooDeep'],
    response: {
      status: 200,
      body: pageShape(eventShape),
      description: 'A page of events, newest first.',
      headers: estimatedCountHeader,
    },
  },
  async ({ query }) => {
    const { page, estimated } = await listEvents(eventLogReader, query);
    return { status: 200, body: page, headers: estimatedHeaders(estimated) };
  },
);
