import { connectorPatch, connectorShape, connectorUuidParameter } from '../lib/connectors/connector.ts';
import { updateConnector } from '../lib/connectors/connectors.ts';
import { connectorDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PATCH /connectors/{connector_uuid}/',
  {
    summary: 'Rename, enable or disable a connector',
    path: connectorUuidParameter,
    body: connectorPatch,
    errors: ['notFound'],
    response: { status: 200, body: connectorShape, description: 'The connector.' },
  },
  async ({ path, body, admin, headers }) => ({
    status: 200,
    body: await updateConnector(connectorDeps, path.connector_uuid, body, {
      admin: admin.name,
      baseUrl: baseUrlOf(headers),
    }),
  }),
);
