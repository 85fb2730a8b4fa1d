import { statusInput, streamStatusShape } from '../lib/ssf/stream.ts';
import { updateStatus } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/status',
  {
    summary: 'Enable, pause (events held) or disable (events dropped) a stream',
    body: statusInput,
    errors: ['notFound'],
    response: { status: 200, body: streamStatusShape, description: 'The new status.' },
  },
  async ({ body, admin }) => ({ status: 200, body: await updateStatus(ssfStreamDeps, admin.name, body) }),
);
