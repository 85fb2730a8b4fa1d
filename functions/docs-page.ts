import { docsPage, docsSecurityPolicy } from './http/docs.ts';
import { pageRoute } from './http/static-routes.ts';

export const handler = pageRoute('GET /docs', docsPage, {
  summary: 'The API reference page (swagger-ui)',
  description: 'The API reference (swagger-ui) for /openapi.json.',
  securityPolicy: docsSecurityPolicy,
});
