import * as z from 'zod';
import { notFound } from '../lib/errors.ts';
import { eventShape } from '../lib/events/views.ts';
import { events } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

// A malformed id is simply an unknown one: 404, as authentik answers.
const path = z.object({ event_uuid: z.string() });

export const handler = routeHandler(
  'GET /events/events/{event_uuid}/',
  {
    summary: 'Read an event',
    path,
    errors: ['notFound'],
    response: { status: 200, body: eventShape, description: 'The event.' },
  },
  async ({ path }) => {
    const event = await events.get(path.event_uuid);
    if (!event) throw notFound('event');
    return { status: 200, body: event };
  },
);
