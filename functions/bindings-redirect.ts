import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

// privacyIDEA (Flask) answers the path without its slash with a permanent redirect.
export const handler = routeHandler('GET /event', { query: noParams }, () => ({
  status: 308,
  headers: { location: '/event/' },
  body: undefined,
}));
