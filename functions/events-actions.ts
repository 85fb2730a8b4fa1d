import * as z from 'zod';
import { eventActions } from '../lib/events/actions.ts';
import { actionList } from '../lib/events/search.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /events/events/actions/', { query: z.object({}) }, () => ({
  status: 200,
  body: actionList(eventActions),
}));
