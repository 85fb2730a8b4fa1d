import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { describeActions, handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/actions/{handlermodule}',
  {
    path: handlerModuleParameter,
    query: noParams,
    response: {
      status: 200,
      body: privacyIdeaShape(z.record(z.string(), z.record(z.string(), z.unknown()))),
      description: 'Actions and their options.',
    },
  },
  ({ path }) => {
    const module = handlerModule(path.handlermodule);
    return privacyIdeaValue(module ? describeActions(module) : []);
  },
);
