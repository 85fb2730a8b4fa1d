import { availableEvents } from '../lib/bindings/binding.ts';
import { privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /event/available', { query: noParams }, () => privacyIdeaValue(availableEvents));
