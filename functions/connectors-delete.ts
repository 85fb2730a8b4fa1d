import * as z from 'zod';
import { connectorUuidParameter } from '../lib/connectors/connector.ts';
import { removeConnector } from '../lib/connectors/connectors.ts';
import { connectorDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'DELETE /connectors/{connector_uuid}/',
  {
    summary: 'Delete a connector (its secret stops working at once)',
    path: connectorUuidParameter,
    errors: ['notFound'],
    response: { status: 204, body: z.undefined(), description: 'Deleted.' },
  },
  async ({ path, admin }) => {
    await removeConnector(connectorDeps, path.connector_uuid, admin.name);
    return { status: 204, body: undefined };
  },
);
