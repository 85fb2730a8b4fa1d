import { streamConfigurationShape, streamCreateInput } from '../lib/ssf/stream.ts';
import { createStream } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/stream',
  {
    summary: 'Create a Shared Signals stream (no delivery: poll at a hub URL)',
    body: streamCreateInput.optional(),
    response: { status: 201, body: streamConfigurationShape, description: 'The stream configuration.' },
  },
  async ({ body, admin, headers }) => ({
    status: 201,
    body: await createStream(ssfStreamDeps, body ?? {}, { admin: admin.name, issuer: baseUrlOf(headers) }),
  }),
);
