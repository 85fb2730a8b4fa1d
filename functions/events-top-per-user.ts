import { topPerUser, topPerUserQuery, topPerUserShape } from '../lib/events/analytics.ts';
import { analyticsDeps } from './deps.ts';
import { estimatedCountHeader, estimatedHeaders } from './http/estimated-count.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/top_per_user/',
  {
    summary: "Rank applications by an action's events",
    query: topPerUserQuery,
    errors: ['page.tooDeep'],
    response: {
      status: 200,
      body: topPerUserShape,
      description: "Applications of the action's events, most events first.",
      headers: estimatedCountHeader,
    },
  },
  async ({ query }) => {
    const { body, estimated } = await topPerUser(analyticsDeps, query);
    return { status: 200, body, headers: estimatedHeaders(estimated) };
  },
);
