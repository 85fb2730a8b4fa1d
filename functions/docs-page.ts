import * as z from 'zod';
import { docsPage, docsSecurityPolicy } from './http/docs.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /docs',
  {
    summary: 'The API reference page (swagger-ui)',
    query: z.object({}),
    response: {
      status: 200,
      body: z.string(),
      mediaTypes: ['text/html'],
      description: 'The API reference (swagger-ui) for /openapi.json.',
    },
  },
  () => ({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': docsSecurityPolicy },
    body: docsPage,
  }),
);
