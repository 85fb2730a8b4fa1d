import { connectorShape, connectorUuidParameter } from '../lib/connectors/connector.ts';
import { readConnector } from '../lib/connectors/connectors.ts';
import { connectorDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /connectors/{connector_uuid}/',
  {
    summary: 'Read a connector',
    path: connectorUuidParameter,
    errors: ['notFound'],
    response: { status: 200, body: connectorShape, description: 'The connector.' },
  },
  async ({ path, headers }) => ({
    status: 200,
    body: await readConnector(connectorDeps, path.connector_uuid, baseUrlOf(headers)),
  }),
);
