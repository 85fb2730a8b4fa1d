import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { counterNameParameter, counterShape, readCounter } from '../lib/handlers/counters.ts';
import { counters } from './deps.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

// An unknown counter is 404 (privacyIDEA's resource-not-found, code 601), not a 0.
export const handler = routeHandler(
  'GET /event/counters/{name}',
  {
    summary: 'Read a counter',
    path: counterNameParameter,
    query: noParams,
    response: { status: 200, body: privacyIdeaShape(counterShape), description: 'The counter.' },
  },
  async ({ path: name }) => privacyIdeaValue(await readCounter(counters, name)),
);
