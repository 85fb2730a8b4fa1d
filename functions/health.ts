import * as z from 'zod';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /health', { query: z.object({}) }, () => ({ status: 200, body: { status: 'ok' } }));
