import * as z from 'zod';
import { conditionDescriptors } from '../lib/bindings/conditions.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

// Every module offers the same conditions.
export const handler = routeHandler(
  'GET /event/conditions/{handlermodule}',
  {
    summary: "List the conditions a handler module's bindings can set",
    path: handlerModuleParameter,
    query: noParams,
    response: {
      status: 200,
      body: privacyIdeaShape(z.union([z.record(z.string(), z.unknown()), z.tuple([])])),
      description: 'Conditions; [] for an unknown module.',
    },
  },
  ({ path }) => privacyIdeaValue(handlerModule(path.handlermodule) ? conditionDescriptors : []),
);
