import { privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/positions/{handlermodule}',
  { path: handlerModuleParameter, query: noParams },
  ({ path }) => privacyIdeaValue(handlerModule(path.handlermodule)?.positions ?? []),
);
