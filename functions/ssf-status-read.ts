import { streamIdQuery, streamStatusShape } from '../lib/ssf/stream.ts';
import { readStatus } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /ssf/status',
  {
    summary: 'Read a stream’s status',
    query: streamIdQuery,
    errors: ['notFound'],
    response: { status: 200, body: streamStatusShape, description: 'The status: enabled, paused or disabled.' },
  },
  async ({ query, admin }) => ({ status: 200, body: await readStatus(ssfStreamDeps, admin.name, query.stream_id) }),
);
