import { connectorInput, connectorWithSecretShape } from '../lib/connectors/connector.ts';
import { createConnector } from '../lib/connectors/connectors.ts';
import { connectorDeps } from './deps.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /connectors/',
  {
    summary: 'Create a connector (its secret is shown once)',
    body: connectorInput,
    response: { status: 201, body: connectorWithSecretShape, description: 'The connector, with its secret.' },
  },
  async ({ body, admin, headers }) => ({
    status: 201,
    body: await createConnector(connectorDeps, body, { admin: admin.name, baseUrl: baseUrlOf(headers) }),
  }),
);
