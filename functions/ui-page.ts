import { consolePage, consoleSecurityPolicy } from '../ui/serve.ts';
import { pageRoute } from './http/static-routes.ts';

export const handler = pageRoute('GET /ui/', consolePage, {
  summary: 'The admin console',
  description: 'The admin console (ui/); it holds no data until an admin signs in.',
  securityPolicy: consoleSecurityPolicy,
});
