import * as z from 'zod';
import { optionalStreamIdQuery, streamConfigurationShape } from '../lib/ssf/stream.ts';
import { readStreams } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /ssf/stream',
  {
    summary: 'Read one stream (stream_id) or all of the admin’s streams',
    query: optionalStreamIdQuery,
    errors: ['notFound'],
    response: {
      status: 200,
      body: z.union([streamConfigurationShape, z.array(streamConfigurationShape)]),
      description: 'The stream, or every stream of the admin (`[]` when none).',
    },
  },
  async ({ query, admin }) => ({ status: 200, body: await readStreams(ssfStreamDeps, admin.name, query.stream_id) }),
);
