import { connectorUuidParameter, connectorWithSecretShape } from '../lib/connectors/connector.ts';
import { rotateConnectorSecret } from '../lib/connectors/connectors.ts';
import { connectorDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /connectors/{connector_uuid}/rotate/',
  {
    summary: "Replace a connector's secret (shown once)",
    path: connectorUuidParameter,
    errors: ['notFound'],
    response: { status: 200, body: connectorWithSecretShape, description: 'The connector, with its new secret.' },
  },
  async ({ path, admin, headers }) => ({
    status: 200,
    body: await rotateConnectorSecret(connectorDeps, path.connector_uuid, {
      admin: admin.name,
      baseUrl: baseUrlOf(headers),
    }),
  }),
);
