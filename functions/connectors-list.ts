import { connectorListQuery, connectorShape } from '../lib/connectors/connector.ts';
import { listConnectors } from '../lib/connectors/connectors.ts';
import { pageShape } from '../lib/events/views.ts';
import { connectorDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /connectors/',
  {
    summary: 'List connectors',
    query: connectorListQuery,
    errors: ['page.invalid'],
    response: { status: 200, body: pageShape(connectorShape), description: 'A page of connectors, by name.' },
  },
  async ({ query, headers }) => ({ status: 200, body: await listConnectors(connectorDeps, query, baseUrlOf(headers)) }),
);
