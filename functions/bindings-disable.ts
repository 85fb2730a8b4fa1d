import * as z from 'zod';
import { bindingIdParameter } from '../lib/bindings/binding.ts';
import { setBindingActive } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingDeps } from './deps.ts';
import { anyParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /event/disable/{eventid}',
  {
    summary: 'Disable a binding',
    path: bindingIdParameter('eventid'),
    body: anyParams,
    mergeQuery: true,
    errors: ['notFound'],
    response: { status: 200, body: privacyIdeaShape(z.int()), description: 'The binding id.' },
  },
  async ({ path: id, admin }) => privacyIdeaValue(await setBindingActive(bindingDeps, id, false, admin.name)),
);
