import { searchEventsBySubject, subjectSearchQuery } from '../lib/events/onegini-search.ts';
import { subjectSearchShape } from '../lib/events/views.ts';
import { eventLogReader } from './deps.ts';
import { estimatedCountHeader, estimatedHeaders } from './http/estimated-count.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /api/events',
  {
    summary: 'Search events by actor and/or user',
    query: subjectSearchQuery,
    response: {
      status: 200,
      body: subjectSearchShape,
      description: 'The events of an actor and/or person.',
      headers: estimatedCountHeader,
    },
  },
  async ({ query }) => {
    const { body, estimated } = await searchEventsBySubject(eventLogReader, query);
    return { status: 200, body, headers: estimatedHeaders(estimated) };
  },
);
