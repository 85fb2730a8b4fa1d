import * as z from 'zod';
import { streamIdQuery } from '../lib/ssf/stream.ts';
import { deleteStream } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'DELETE /ssf/stream',
  {
    summary: 'Delete a stream',
    query: streamIdQuery,
    errors: ['notFound'],
    response: { status: 204, body: z.undefined(), description: 'Deleted.' },
  },
  async ({ query, admin }) => {
    await deleteStream(ssfStreamDeps, admin.name, query.stream_id);
    return { status: 204, body: undefined };
  },
);
