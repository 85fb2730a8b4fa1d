import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { describeActions, handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/actions/{handlermodule}',
  {
    summary: "List a handler module's actions and their options",
    path: handlerModuleParameter,
    query: noParams,
    response: {
      status: 200,
      // An unknown module answers [] (privacyIDEA's shape).
      body: privacyIdeaShape(z.union([z.record(z.string(), z.record(z.string(), z.unknown())), z.tuple([])])),
      description: 'Actions and their options; [] for an unknown module.',
    },
  },
  ({ path }) => {
    const module = handlerModule(path.handlermodule);
    return privacyIdeaValue(module ? describeActions(module) : []);
  },
);
