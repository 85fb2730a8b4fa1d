import * as z from 'zod';
import { saveBinding } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingDeps } from './deps.ts';
import { anyParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /event',
  {
    summary: 'Create a binding, or replace one by id',
    body: anyParams,
    mergeQuery: true,
    response: { status: 200, body: privacyIdeaShape(z.int()), description: 'The binding id.' },
  },
  async ({ body, admin }) => privacyIdeaValue(await saveBinding(bindingDeps, body ?? {}, admin.name)),
);
