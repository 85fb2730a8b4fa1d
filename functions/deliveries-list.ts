import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { deliveryQuery, listDeliveries } from '../lib/dispatch/deliveries-api.ts';
import { deliveryShape } from '../lib/dispatch/delivery.ts';
import { deliveryLedger } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

const deliveries = deliveryLedger();

export const handler = routeHandler(
  'GET /event/deliveries',
  {
    summary: 'List the deliveries of bindings, newest first',
    query: deliveryQuery,
    response: { status: 200, body: privacyIdeaShape(z.array(deliveryShape)), description: 'Deliveries, newest first.' },
  },
  async ({ query }) => privacyIdeaValue(await listDeliveries(deliveries, query)),
);
