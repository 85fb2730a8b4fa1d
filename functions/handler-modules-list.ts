import { privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { handlerModules } from '../lib/handlers/modules.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /event/handlermodules', { query: noParams }, () =>
  privacyIdeaValue(handlerModules.map((module) => module.name)),
);
