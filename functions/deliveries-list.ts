import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { readDispatchConfig } from '../lib/dispatch/config.ts';
import { deliveryQuery, deliveryShape, listDeliveries } from '../lib/dispatch/deliveries-api.ts';
import { deliveryStore } from '../lib/store/deliveries.ts';
import { routeHandler } from './http/route-handler.ts';

const deliveries = deliveryStore({ retentionDays: readDispatchConfig().deliveryRetentionDays });

export const handler = routeHandler(
  'GET /event/deliveries',
  {
    query: deliveryQuery,
    response: { status: 200, body: privacyIdeaShape(z.array(deliveryShape)), description: 'Deliveries, newest first.' },
  },
  async ({ query }) => privacyIdeaValue(await listDeliveries(deliveries, query)),
);
