import * as z from 'zod';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

// privacyIDEA (Flask) answers the path without its slash with a permanent redirect.
export const handler = routeHandler(
  'GET /event',
  {
    summary: 'Redirect to the list of bindings',
    query: noParams,
    response: { status: 308, body: z.undefined(), description: 'Redirect to /event/.' },
  },
  () => ({
    status: 308,
    headers: { location: '/event/' },
    body: undefined,
  }),
);
