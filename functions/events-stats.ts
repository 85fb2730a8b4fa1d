import { eventStats, statsQuery, statsShape } from '../lib/events/analytics.ts';
import { analyticsDeps } from './deps.ts';
import { estimatedCountHeader, estimatedHeaders } from './http/estimated-count.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/stats/',
  {
    summary: 'Count distinct users, and events per time step',
    query: statsQuery,
    errors: ['page.tooDeep'],
    response: {
      status: 200,
      body: statsShape,
      description: 'Distinct users of the selected events and their count per step.',
      headers: estimatedCountHeader,
    },
  },
  async ({ query }) => {
    const { body, estimated } = await eventStats(analyticsDeps, query);
    return { status: 200, body, headers: estimatedHeaders(estimated) };
  },
);
