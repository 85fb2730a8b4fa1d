import * as z from 'zod';
import { connectorUuidParameter } from '../lib/connectors/connector.ts';
import { verifyConnector } from '../lib/connectors/ingest.ts';
import { connectorIngestDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

const deps = connectorIngestDeps();

export const handler = routeHandler(
  'GET /ingest/{connector_uuid}',
  {
    summary: "Answer Okta's one-time event hook verification",
    path: connectorUuidParameter,
    headers: {
      authorization: "`Bearer <secret>`, or the connector's secret as the whole value.",
      'x-okta-verification-challenge': 'Echoed back as `verification`.',
    },
    errors: ['auth.unauthenticated'],
    response: { status: 200, body: z.object({ verification: z.string() }), description: 'The challenge, echoed.' },
  },
  async ({ path, headers }) => ({
    status: 200,
    body: await verifyConnector(
      deps,
      path.connector_uuid,
      headers.authorization,
      headers['x-okta-verification-challenge'],
    ),
  }),
);
