import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { counterShape, listCounters } from '../lib/handlers/counters.ts';
import { counters } from './deps.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/counters',
  {
    summary: 'List the counters',
    query: noParams,
    response: { status: 200, body: privacyIdeaShape(z.array(counterShape)), description: 'Every counter, by name.' },
  },
  async () => privacyIdeaValue(await listCounters(counters)),
);
