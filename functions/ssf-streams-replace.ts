import { streamConfigurationShape, streamUpdateInput } from '../lib/ssf/stream.ts';
import { updateStream } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PUT /ssf/stream',
  {
    summary: 'Replace a stream’s receiver fields (a missing one is deleted)',
    body: streamUpdateInput,
    errors: ['notFound'],
    response: { status: 200, body: streamConfigurationShape, description: 'The stream configuration.' },
  },
  async ({ body, admin }) => ({ status: 200, body: await updateStream(ssfStreamDeps, body, admin.name, true) }),
);
