import * as z from 'zod';
import { bindingIdParameter, bindingShape } from '../lib/bindings/binding.ts';
import { readBinding } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingReadDeps } from './deps.ts';
import { noParams } from './http/params.ts';
import { routeHandler } from './http/route-handler.ts';

// A list with the one binding, or [] for an unknown id (privacyIDEA's shape); the ETag is its version.
export const handler = routeHandler(
  'GET /event/{eventid}',
  {
    summary: 'Read a binding',
    path: bindingIdParameter('eventid'),
    query: noParams,
    response: {
      status: 200,
      body: privacyIdeaShape(z.array(bindingShape).max(1)),
      description: 'The binding in a list, or [].',
      headers: { etag: 'The version, for If-Match (absent for an unknown id).' },
    },
  },
  async ({ path: id }) => {
    const found = await readBinding(bindingReadDeps, id);
    return found ? privacyIdeaValue([found.binding], { etag: `"${found.version}"` }) : privacyIdeaValue([]);
  },
);
