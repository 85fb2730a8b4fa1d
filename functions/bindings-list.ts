import { listBindings } from '../lib/bindings/bindings.ts';
import { privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingStore } from '../lib/store/bindings.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler('GET /event/', { query: noParams }, async () =>
  privacyIdeaValue(await listBindings({ bindings: bindingStore })),
);
