import * as z from 'zod';
import { subjectInput } from '../lib/ssf/stream.ts';
import { addSubject } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/subjects/add',
  {
    summary: 'Add a subject back to a stream (all subjects are in until removed)',
    body: subjectInput,
    errors: ['notFound'],
    response: { status: 200, body: z.undefined(), description: 'Added (an empty body).' },
  },
  async ({ body, admin }) => {
    await addSubject(ssfStreamDeps, admin.name, body);
    return { status: 200, body: undefined };
  },
);
