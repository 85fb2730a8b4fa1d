import * as z from 'zod';
import document from '../openapi.json' with { type: 'json' };
import { routeHandler } from './http/route-handler.ts';

// The committed document (npm run openapi); a test fails when it drifts from the code.
export const handler = routeHandler(
  'GET /openapi.json',
  {
    summary: 'This OpenAPI document',
    query: z.object({}),
    response: { status: 200, body: z.record(z.string(), z.unknown()), description: 'This document.' },
  },
  () => ({ status: 200, body: document }),
);
