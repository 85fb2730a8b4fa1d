import * as z from 'zod';
import { bindingIdParameter } from '../lib/bindings/binding.ts';
import { removeBinding } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingDeps } from './deps.ts';
import { anyParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'DELETE /event/{eventid}',
  {
    summary: 'Delete a binding',
    path: bindingIdParameter('eventid'),
    body: anyParams,
    mergeQuery: true,
    errors: ['notFound'],
    response: { status: 200, body: privacyIdeaShape(z.int()), description: 'The binding id.' },
  },
  async ({ path: id, admin }) => privacyIdeaValue(await removeBinding(bindingDeps, id, admin.name)),
);
