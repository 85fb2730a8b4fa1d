import { eventVolume, volumeQuery, volumeShape } from '../lib/events/analytics.ts';
import { analyticsDeps } from './deps.ts';
import { estimatedCountHeader, estimatedHeaders } from './http/estimated-count.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/volume/',
  {
    summary: 'Count events per action per six hours',
    query: volumeQuery,
    errors: ['page.tooDeep'],
    response: {
      status: 200,
      body: volumeShape,
      description: 'Events per action per six hours (UTC 00, 06, 12, 18), oldest first.',
      headers: estimatedCountHeader,
    },
  },
  async ({ query }) => {
    const { body, estimated } = await eventVolume(analyticsDeps, query);
    return { status: 200, body, headers: estimatedHeaders(estimated) };
  },
);
