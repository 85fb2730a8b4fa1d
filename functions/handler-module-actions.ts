import { privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { describeActions, handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/actions/{handlermodule}',
  { path: handlerModuleParameter, query: noParams },
  ({ path }) => {
    const module = handlerModule(path.handlermodule);
    return privacyIdeaValue(module ? describeActions(module) : []);
  },
);
