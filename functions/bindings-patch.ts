import * as z from 'zod';
import { bindingIdParameter, bindingPatch } from '../lib/bindings/binding.ts';
import { patchBinding } from '../lib/bindings/bindings.ts';
import { privacyIdeaShape, privacyIdeaValue } from '../lib/dialects/privacyidea.ts';
import { bindingDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

/** `"3"`, `W/"3"` → 3; absent or `*` → null (no precondition); anything else never matches. */
function expectedVersion(ifMatch: string | undefined): number | null {
  if (ifMatch === undefined || ifMatch.trim() === '*') return null;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(ifMatch);
  return match ? Number(match[1]) : -1;
}

export const handler = routeHandler(
  'PATCH /event/{eventid}',
  {
    summary: 'Change some fields of a binding',
    path: bindingIdParameter('eventid'),
    body: bindingPatch,
    headers: { 'if-match': 'The ETag of GET /event/{eventid}: the write fails with 412 if the binding changed since.' },
    errors: ['notFound', 'precondition.failed'],
    response: {
      status: 200,
      body: privacyIdeaShape(z.int()),
      description: 'The binding id.',
      headers: { etag: 'The new version.' },
    },
  },
  async ({ path: id, body, headers, admin }) => {
    const ifMatch = expectedVersion(headers['if-match']);
    const saved = await patchBinding(bindingDeps, id, { patch: body, ifMatch, admin: admin.name });
    return privacyIdeaValue(id, { etag: `"${saved.version}"` });
  },
);
