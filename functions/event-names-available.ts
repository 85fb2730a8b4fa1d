import * as z from 'zod';
import { availableEvents } from '../lib/bindings/binding.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/available',
  {
    summary: 'List the event names a binding can react to',
    query: noParams,
    response: { status: 200, body: privacyIdeaShape(z.array(z.string())), description: 'Event names.' },
  },
  () => privacyIdeaValue(availableEvents),
);
