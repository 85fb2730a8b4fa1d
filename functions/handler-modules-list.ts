import * as z from 'zod';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { handlerModules } from '../lib/handlers/modules.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/handlermodules',
  {
    summary: 'List the handler modules',
    query: noParams,
    response: { status: 200, body: privacyIdeaShape(z.array(z.string())), description: 'Handler module names.' },
  },
  () => privacyIdeaValue(handlerModules.map((module) => module.name)),
);
