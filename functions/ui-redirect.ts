import * as z from 'zod';
import { routeHandler } from './http/route-handler.ts';

// The console's files are relative to /ui/, so the path without its slash redirects there.
export const handler = routeHandler(
  'GET /ui',
  {
    summary: 'Redirect to the admin console',
    query: z.object({}),
    response: { status: 308, body: z.undefined(), description: 'Redirect to /ui/.' },
  },
  () => ({ status: 308, headers: { location: '/ui/' }, body: undefined }),
);
