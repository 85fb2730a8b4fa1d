import * as z from 'zod';
import { consolePage, consoleSecurityPolicy } from '../ui/serve.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /ui/',
  {
    summary: 'The admin console',
    query: z.object({}),
    response: {
      status: 200,
      body: z.string(),
      mediaTypes: ['text/html'],
      description: 'The admin console (ui/); it holds no data until an admin signs in.',
    },
  },
  () => ({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': consoleSecurityPolicy },
    body: consolePage,
  }),
);
