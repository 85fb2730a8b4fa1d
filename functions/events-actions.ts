import * as z from 'zod';
import { eventActions } from '../lib/events/actions.ts';
import { actionList } from '../lib/events/event-list.ts';
import { actionListShape } from '../lib/events/views.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /events/events/actions/',
  {
    summary: 'List the event actions',
    query: z.object({}),
    response: { status: 200, body: actionListShape, description: 'Every event action.' },
  },
  () => ({
    status: 200,
    body: actionList(eventActions),
  }),
);
