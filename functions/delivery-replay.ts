import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { deliveryIdParameter } from '../lib/dispatch/deliveries-api.ts';
import { deliveryShape, deliveryView } from '../lib/dispatch/delivery.ts';
import { replayDelivery } from '../lib/dispatch/retry.ts';
import { dispatchDeps, preRunnerDeps } from './deps.ts';
import { anyParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';
import { logger } from './logger.ts';

// Replay only makes the delivery due: the retry runner sends it (no mail is sent from here).
const deps = dispatchDeps(preRunnerDeps(), logger);

export const handler = routeHandler(
  'POST /event/deliveries/{id}/replay',
  {
    summary: 'Make a failed or dead delivery due now',
    path: deliveryIdParameter,
    body: anyParams,
    mergeQuery: true,
    response: { status: 200, body: privacyIdeaShape(deliveryShape), description: 'The delivery, due now.' },
  },
  async ({ path: id }) => privacyIdeaValue(deliveryView(await replayDelivery(deps, id))),
);
