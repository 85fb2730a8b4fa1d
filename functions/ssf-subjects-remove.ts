import * as z from 'zod';
import { subjectInput } from '../lib/ssf/stream.ts';
import { removeSubject } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/subjects/remove',
  {
    summary: 'Remove a subject from a stream: its events are not sent there',
    body: subjectInput,
    errors: ['notFound'],
    response: { status: 204, body: z.undefined(), description: 'Removed.' },
  },
  async ({ body, admin }) => {
    await removeSubject(ssfStreamDeps, admin.name, body);
    return { status: 204, body: undefined };
  },
);
