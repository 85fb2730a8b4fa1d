import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { handlerModule } from '../lib/handlers/modules.ts';
import { handlerModuleParameter, noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/positions/{handlermodule}',
  {
    summary: 'List the positions a handler module runs in',
    path: handlerModuleParameter,
    query: noParams,
    response: {
      status: 200,
      body: privacyIdeaShape(z.array(z.enum(['pre', 'post']))),
      description: 'Allowed positions.',
    },
  },
  ({ path }) => privacyIdeaValue(handlerModule(path.handlermodule)?.positions ?? []),
);
