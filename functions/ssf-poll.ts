import * as z from 'zod';
import { pollAnswerShape, pollInput, pollSets } from '../lib/ssf/poll.ts';
import { streamIdField } from '../lib/ssf/stream.ts';
import { ssfPollDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /ssf/poll/{stream_id}',
  {
    summary: 'Poll a stream’s SETs, acknowledging those received (RFC 8936)',
    path: z.strictObject({ stream_id: streamIdField }),
    body: pollInput,
    errors: ['notFound'],
    response: { status: 200, body: pollAnswerShape, description: 'The oldest unacknowledged SETs, by jti.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await pollSets(ssfPollDeps, admin.name, path.stream_id, body),
  }),
);
