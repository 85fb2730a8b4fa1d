import * as z from 'zod';
import { verificationInput } from '../lib/ssf/stream.ts';
import { requestVerification } from '../lib/ssf/streams.ts';
import { ssfStreamDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/verify',
  {
    summary: 'Request a verification SET on a stream (its state echoed)',
    body: verificationInput,
    errors: ['notFound', 'rate.limited'],
    response: { status: 204, body: z.undefined(), description: 'The verification SET is queued.' },
  },
  async ({ body, admin }) => {
    await requestVerification(ssfStreamDeps, admin.name, body);
    return { status: 204, body: undefined };
  },
);
