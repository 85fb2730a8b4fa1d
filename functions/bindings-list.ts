import * as z from 'zod';
import { bindingShape } from '../lib/bindings/binding.ts';
import { listBindings } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingReadDeps } from './deps.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /event/',
  {
    summary: 'List bindings',
    query: noParams,
    response: { status: 200, body: privacyIdeaShape(z.array(bindingShape)), description: 'All bindings.' },
  },
  async () => privacyIdeaValue(await listBindings(bindingReadDeps)),
);
