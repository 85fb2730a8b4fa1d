import * as z from 'zod';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /health',
  {
    summary: 'Say whether the service is up',
    query: z.object({}),
    response: { status: 200, body: z.object({ status: z.literal('ok') }), description: 'The service is up.' },
  },
  () => ({ status: 200, body: { status: 'ok' } }),
);
